package sim

import (
	"math"
	"math/rand/v2"
)

// profile is how a kind of VM behaves. Ranges are [min, max) drawn per VM.
type profile struct {
	Name    string
	Curve   *curve
	CPUBase [2]float64 // busy share at the quietest hour
	CPUAmp  [2]float64 // added at the busiest hour
	MemUsed [2]float64 // used share of memory
	Specs   [][2]int   // vCPUs and GiB of memory, as the cloud sells them (4C8G)
	DiskBps float64    // disk bytes/s at level 1
	NetBps  float64    // network bytes/s at level 1
	IOWait  float64    // share of busy time in iowait
	Data    bool       // has a data disk
	Reboot  float64    // chance of a reboot in a week
}

// The profiles. zombie VMs are the long-idle ones the idle-resource findings of
// R-A2 are meant to catch: flat, near-zero use, never rebooted, often oversized.
var profiles = map[string]*profile{
	"web":    {"web", office, r(.03, .06), r(.25, .55), r(.35, .60), specs(2, 4, 4, 8, 4, 8, 8, 16), 4e6, 2.5e7, .02, false, .25},
	"app":    {"app", office, r(.03, .08), r(.10, .35), r(.45, .75), specs(4, 8, 4, 16, 8, 16, 8, 32, 16, 32), 6e6, 8e6, .04, true, .2},
	"db":     {"db", office, r(.05, .10), r(.10, .30), r(.75, .92), specs(8, 32, 8, 64, 16, 64, 16, 128, 32, 128), 4e7, 6e6, .15, true, .08},
	"cache":  {"cache", office, r(.02, .04), r(.05, .15), r(.70, .88), specs(2, 8, 4, 16, 4, 32), 5e5, 1.5e7, .01, false, .1},
	"mq":     {"mq", office, r(.03, .06), r(.08, .20), r(.50, .70), specs(4, 8, 8, 16), 1.2e7, 1e7, .05, true, .15},
	"etl":    {"etl", nightly, r(.03, .06), r(.35, .60), r(.40, .70), specs(8, 32, 16, 32, 16, 64), 5e7, 3e7, .12, true, .2},
	"idle":   {"idle", office, r(.01, .02), r(.005, .02), r(.15, .30), specs(2, 4, 4, 8, 8, 16), 5e5, 3e5, .05, false, .1},
	"zombie": {"zombie", nil, r(.003, .008), r(0, 0), r(.08, .18), specs(4, 8, 8, 16, 16, 32), 5e4, 4e4, .05, false, 0},
}

func r(a, b float64) [2]float64 { return [2]float64{a, b} }

// specs pairs up vCPU, GiB, vCPU, GiB, ...
func specs(x ...int) [][2]int {
	out := make([][2]int, 0, len(x)/2)
	for i := 0; i+1 < len(x); i += 2 {
		out = append(out, [2]int{x[i], x[i+1]})
	}
	return out
}

// cpuModes are node_exporter's modes in its output order; idle comes first and
// is what is left of the elapsed time.
var cpuModes = []string{"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"}

// busyShare splits busy time over the non-idle modes (iowait is set per profile).
var busyShare = [...]float64{0, 0, .01, .02, .04, .03, .24, 0}

// params are one VM's behaviour, drawn once from the seed.
type params struct {
	prof          *profile
	cpus, memGiB  int
	memBytes      float64
	cpu, mem, io  signal
	net           signal
	cpuFactor     []float64 // per CPU, around 1
	modeShare     [8]float64
	readShare     float64 // of disk bytes
	rxShare       float64 // of network bytes
	leak          float64 // memory share added per day of uptime
	fs            []filesystem
	release       unameRelease
	offlineFactor float64
}

// filesystem is a mount: size fixed, use a sawtooth of growth and clean-up.
type filesystem struct {
	Device, FSType, Mount string
	Size                  float64
	Used, Growth          float64 // shares
	Period, Phase         float64 // seconds
	Reserved              float64 // share reserved for root (ext4)
}

func pick[T any](g *rand.Rand, xs []T) T { return xs[g.IntN(len(xs))] }

func between(g *rand.Rand, a [2]float64) float64 { return a[0] + g.Float64()*(a[1]-a[0]) }

// newSignal draws a signal whose level stays in (0, 1) with margins: the slow
// waves and the jitter together never exceed spread (< 1) of the base.
func newSignal(g *rand.Rand, key uint64, c *curve, base, amp, spread float64) signal {
	s := signal{base: base, amp: amp, curve: c, key: key}
	room := base * spread
	s.waves[0] = wave{a: room * 0.35 * g.Float64(), w: 2 * math.Pi / (1800 + 5400*g.Float64()), p: 2 * math.Pi * g.Float64()}
	s.waves[1] = wave{a: room * 0.25 * g.Float64(), w: 2 * math.Pi / (240 + 900*g.Float64()), p: 2 * math.Pi * g.Float64()}
	s.jitter = room * 0.4 * g.Float64()
	return s
}

func newParams(g *rand.Rand, key uint64, p *profile) params {
	spec := pick(g, p.Specs)
	x := params{prof: p, cpus: spec[0], memGiB: spec[1], release: pick(g, releases)}
	x.memBytes = float64(spec[1]) * (1 << 30) * 0.97 // what the kernel keeps for itself is not in MemTotal
	base, amp := between(g, p.CPUBase), between(g, p.CPUAmp)
	x.cpu = newSignal(g, key^1, p.Curve, base, amp, 0.6)
	used := between(g, p.MemUsed)
	x.mem = newSignal(g, key^2, p.Curve, used*0.9, used*0.1, 0.06)
	x.io = newSignal(g, key^3, p.Curve, base, amp, 0.6)
	x.net = newSignal(g, key^4, p.Curve, base, amp, 0.6)
	x.cpuFactor = make([]float64, x.cpus)
	for i := range x.cpuFactor {
		x.cpuFactor[i] = 0.85 + 0.3*g.Float64()
	}
	x.modeShare = busyShare
	x.modeShare[1] = p.IOWait
	x.modeShare[7] = 1 - p.IOWait - .01 - .02 - .04 - .03 - .24
	x.readShare, x.rxShare = 0.2+0.5*g.Float64(), 0.3+0.5*g.Float64()
	if g.Float64() < 0.03 {
		x.leak = 0.02 + 0.05*g.Float64()
	}
	x.fs = newFilesystems(g, p)
	x.offlineFactor = 1
	if g.Float64() < 0.02 { // an agent that crashes often
		x.offlineFactor = 8
	}
	return x
}

func newFilesystems(g *rand.Rand, p *profile) []filesystem {
	root := filesystem{Device: "/dev/vda1", FSType: "ext4", Mount: "/", Size: float64(pick(g, []int{40, 50, 100})) * (1 << 30),
		Used: 0.2 + 0.3*g.Float64(), Growth: 0.02 + 0.1*g.Float64(), Period: 86400 * (1 + 6*g.Float64()),
		Phase: 604800 * g.Float64(), Reserved: 0.05}
	fs := []filesystem{root}
	if p.Data {
		data := filesystem{Device: "/dev/vdb", FSType: "xfs", Mount: "/data", Size: float64(pick(g, []int{200, 500, 1024, 2048})) * (1 << 30),
			Used: 0.3 + 0.4*g.Float64(), Growth: 0.01 + 0.05*g.Float64(), Period: 86400 * (3 + 27*g.Float64()),
			Phase: 2592000 * g.Float64()}
		if g.Float64() < 0.04 { // a data disk about to fill up
			data.Used, data.Growth = 0.88, 0.08
		}
		fs = append(fs, data)
	}
	return fs
}

// used returns the used share of f at t: a slow sawtooth of growth and clean-up.
func (f *filesystem) used(t float64) float64 {
	x := math.Mod(t+f.Phase, f.Period) / f.Period
	return math.Min(f.Used+f.Growth*x, 0.995-f.Reserved)
}
