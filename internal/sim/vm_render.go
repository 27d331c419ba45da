package sim

import (
	"math"
	"strconv"
)

func header(name, typ, text string) string {
	return "# HELP " + name + " " + text + "\n# TYPE " + name + " " + typ + "\n"
}

// node_exporter 1.5's HELP and TYPE lines for the families the agent collector
// keeps (collectors/agent.DefaultKeep), in its alphabetical order.
var (
	hBoot    = header("node_boot_time_seconds", "gauge", "Node boot time, in unixtime.")
	hCPU     = header("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.")
	hRead    = header("node_disk_read_bytes_total", "counter", "The total number of bytes read successfully.")
	hWritten = header("node_disk_written_bytes_total", "counter", "The total number of bytes written successfully.")
	hAvail   = header("node_filesystem_avail_bytes", "gauge", "Filesystem space available to non-root users in bytes.")
	hSize    = header("node_filesystem_size_bytes", "gauge", "Filesystem size in bytes.")
	hLoad1   = header("node_load1", "gauge", "1m load average.")
	hLoad15  = header("node_load15", "gauge", "15m load average.")
	hLoad5   = header("node_load5", "gauge", "5m load average.")
	hMemAv   = header("node_memory_MemAvailable_bytes", "gauge", "Memory information field MemAvailable_bytes.")
	hMemTot  = header("node_memory_MemTotal_bytes", "gauge", "Memory information field MemTotal_bytes.")
	hRx      = header("node_network_receive_bytes_total", "counter", "Network device statistic receive_bytes.")
	hTx      = header("node_network_transmit_bytes_total", "counter", "Network device statistic transmit_bytes.")
	hTime    = header("node_time_seconds", "gauge", "System time in seconds since epoch (1970).")
	hUname   = header("node_uname_info", "gauge", "Labeled system information as provided by the uname system call.")
)

// bodyTemplate holds one VM's series names with labels, rendered once so that a
// scrape only formats numbers.
type bodyTemplate struct {
	cpu          [][]string // [cpu][mode] `node_cpu_seconds_total{cpu="0",mode="idle"} `
	read, write  []string   // per disk device
	avail, size  []string   // per filesystem
	rx, tx       [2]string  // eth0, lo
	uname        string     // the whole line
	diskShare    []float64  // of the VM's disk bytes per device
	sizeRendered []float64
}

// cpuLines are shared by all VMs: 3,000 copies of 64 strings would cost 10 MB.
var cpuLines = func() [][]string {
	out := make([][]string, 64)
	for c := range out {
		for _, m := range cpuModes {
			out[c] = append(out[c], `node_cpu_seconds_total{cpu="`+strconv.Itoa(c)+`",mode="`+m+`"} `)
		}
	}
	return out
}()

func newBodyTemplate(v *vm) *bodyTemplate {
	bt := &bodyTemplate{cpu: cpuLines[:v.cpus]}
	devs, shares := []string{"vda"}, []float64{1}
	if len(v.fs) > 1 {
		devs, shares = []string{"vda", "vdb"}, []float64{0.25, 0.75}
	}
	for _, d := range devs {
		bt.read = append(bt.read, `node_disk_read_bytes_total{device="`+d+`"} `)
		bt.write = append(bt.write, `node_disk_written_bytes_total{device="`+d+`"} `)
	}
	bt.diskShare = shares
	for _, f := range v.fs {
		l := `{device="` + f.Device + `",fstype="` + f.FSType + `",mountpoint="` + f.Mount + `"} `
		bt.avail = append(bt.avail, "node_filesystem_avail_bytes"+l)
		bt.size = append(bt.size, "node_filesystem_size_bytes"+l)
		bt.sizeRendered = append(bt.sizeRendered, math.Floor(f.Size/4096)*4096)
	}
	for i, d := range []string{"eth0", "lo"} {
		bt.rx[i] = `node_network_receive_bytes_total{device="` + d + `"} `
		bt.tx[i] = `node_network_transmit_bytes_total{device="` + d + `"} `
	}
	bt.uname = `node_uname_info{domainname="(none)",machine="` + v.release.Machine + `",nodename="` + v.Name +
		`",release="` + v.release.Release + `",sysname="Linux",version="` + v.release.Version + `"} 1` + "\n"
	return bt
}

func line(b []byte, prefix string, x float64) []byte {
	b = append(b, prefix...)
	b = strconv.AppendFloat(b, x, 'g', -1, 64)
	return append(b, '\n')
}

// render appends v's exposition at Unix time t to b. Counters count from the
// last boot, so a reboot resets them and moves node_boot_time_seconds.
func (s *Sim) render(b []byte, v *vm, t float64) []byte {
	boot := s.bootTime(v, t)
	b = line(append(b, hBoot...), "node_boot_time_seconds ", boot)
	b = renderCPU(b, v, t, boot)
	b = renderDisk(b, v, t, boot)
	b = append(b, hAvail...)
	for i := range v.fs {
		free := 1 - v.fs[i].used(t) - v.fs[i].Reserved
		b = line(b, v.body.avail[i], math.Floor(v.body.sizeRendered[i]*free/4096)*4096)
	}
	b = append(b, hSize...)
	for i := range v.fs {
		b = line(b, v.body.size[i], v.body.sizeRendered[i])
	}
	b = renderLoad(b, v, t)
	b = renderMemory(b, v, t, boot)
	b = renderNet(b, v, t, boot)
	b = line(append(b, hTime...), "node_time_seconds ", t)
	return append(append(b, hUname...), v.body.uname...)
}

// renderCPU writes per-CPU mode seconds at USER_HZ resolution. Busy time is the
// integral of the CPU level; idle is the rest of the uptime, so every mode grows.
func renderCPU(b []byte, v *vm, t, boot float64) []byte {
	b = append(b, hCPU...)
	busy := v.cpu.integral(t) - v.cpu.integral(boot)
	up := t - boot
	for c, prefixes := range v.body.cpu {
		bc := busy * v.cpuFactor[c]
		for m, p := range prefixes {
			x := v.modeShare[m] * bc
			if m == 0 {
				x = up - bc
			}
			b = line(b, p, math.Floor(x*100)/100)
		}
	}
	return b
}

func renderDisk(b []byte, v *vm, t, boot float64) []byte {
	io := (v.io.integral(t) - v.io.integral(boot)) * v.prof.DiskBps
	b = append(b, hRead...)
	for i, p := range v.body.read {
		b = line(b, p, math.Floor(io*v.readShare*v.body.diskShare[i]/512)*512)
	}
	b = append(b, hWritten...)
	for i, p := range v.body.write {
		b = line(b, p, math.Floor(io*(1-v.readShare)*v.body.diskShare[i]/512)*512)
	}
	return b
}

func renderLoad(b []byte, v *vm, t float64) []byte {
	n := float64(v.cpus) * (1 + v.modeShare[1]*3) // iowait counts into Linux load
	round := func(x float64) float64 { return math.Round(x*100) / 100 }
	b = line(append(b, hLoad1...), "node_load1 ", round(n*v.cpu.value(t)))
	b = line(append(b, hLoad15...), "node_load15 ", round(n*v.cpu.smooth(t-450)))
	return line(append(b, hLoad5...), "node_load5 ", round(n*v.cpu.smooth(t-150)))
}

func renderMemory(b []byte, v *vm, t, boot float64) []byte {
	total := math.Floor(v.memBytes/1024) * 1024
	used := math.Min(0.97, v.mem.value(t)+v.leak*(t-boot)/86400)
	b = line(append(b, hMemAv...), "node_memory_MemAvailable_bytes ", math.Floor(total*(1-used)/4096)*4096)
	return line(append(b, hMemTot...), "node_memory_MemTotal_bytes ", total)
}

func renderNet(b []byte, v *vm, t, boot float64) []byte {
	n := (v.net.integral(t) - v.net.integral(boot)) * v.prof.NetBps
	lo := n*0.02 + (t-boot)*200 // local health checks and the agent itself
	b = append(b, hRx...)
	b = line(b, v.body.rx[0], math.Floor(n*v.rxShare))
	b = line(b, v.body.rx[1], math.Floor(lo))
	b = append(b, hTx...)
	b = line(b, v.body.tx[0], math.Floor(n*(1-v.rxShare)))
	return line(b, v.body.tx[1], math.Floor(lo))
}
