package device

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/devicefake"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// The park of the benchmark: 130 devices in the mix of the scenic area.
// The vendor fakes and the pushing plate cameras run in a child process (this
// test binary, fakeHostEnv set), pymodbus and snmpd in theirs, so that the
// CPU the benchmark reads from getrusage is the collector's and the push
// receiver's alone.
const (
	fakeHostEnv   = "SWANWATCH_DEVICE_FAKE_HOST"
	benchGates    = 40 // hikvision-turnstile, digest
	benchBoards   = 10 // modbus-gate-board, units 1-10 of one pymodbus
	benchBarriers = 12 // hikvision-barrier, XML, digest
	benchCards    = 8  // xixun-led on one realtime server
	benchCoex     = 4
	benchParking  = 4 // three lots each
	benchCameras  = 20
	benchACs      = 2 // huawei-wlan-ac, 40 APs each
	benchSIP      = 26
	benchTCP      = 4
	// Per 30 s round each camera beats 6 times (offline check on: every 5 s)
	// and reads 2 plates, a busy gate at opening time.
	benchBeats, benchReads = 6, 2
)

// fakeHostAddrs is what the child serves.
type fakeHostAddrs struct {
	Gates, Barriers, Coex, Parking, SIP, TCP []string
	Xixun                                    string
}

// BenchmarkRound130 polls 130 park devices per iteration (one 30 s round of
// the park) and reports the collector's CPU per round and as a share of one
// core at a 30 s interval (the goal: < 2 %).
func BenchmarkRound130(b *testing.B) {
	pushToken := secretFile(b, "token", "bench-push-token-0123456789")
	cfg := Config{PushTokenFile: pushToken}.WithDefaults()
	c, err := New(cfg, nil)
	require.NoError(b, err)
	defer c.Close()
	recv := httptest.NewServer(c.Plates())
	defer recv.Close()

	host := startFakeHost(b, recv.URL+"/push?token=bench-push-token-0123456789")
	boards := map[uint8]testpeer.ModbusUnit{}
	for u := uint8(1); u <= benchBoards; u++ {
		boards[u] = gateState(0, 0, 1000*uint32(u), 400).Units[1]
	}
	mb := testpeer.Modbus(b, testpeer.ModbusState{Units: boards})
	var aps []devicefake.AP
	for i := range 40 {
		aps = append(aps, devicefake.AP{Name: fmt.Sprintf("ap-%02d", i), Group: "北门广场", Up: i%9 != 0, Clients: i})
	}
	var acs []*wlanAgent
	for range benchACs {
		acs = append(acs, startWLANAgent(b, "huawei", aps))
	}
	targets := benchTargets(b, host.addrs, mb.Addr, acs)
	require.Len(b, targets, 130)

	round := func() {
		host.push(b)
		var wg sync.WaitGroup
		sem := make(chan struct{}, 64)
		for _, t := range targets {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
				defer cancel()
				if err := c.Collect(ctx, t, func(string, float64, ...string) {}); err != nil {
					b.Errorf("%s: %v", t.Name, err)
				}
			})
		}
		wg.Wait()
	}
	round() // connections, digest nonces and the first pushes
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		round()
	}
	cpu := (cpuTime() - cpu0) / time.Duration(b.N)
	b.ReportMetric(float64(cpu.Microseconds())/1000, "cpu-ms/round")
	b.ReportMetric(100*cpu.Seconds()/(30*time.Second).Seconds(), "%core@30s")
}

func benchTargets(b *testing.B, a fakeHostAddrs, modbus string, acs []*wlanAgent) []collectors.Target {
	pass := secretFile(b, "pass", gatePass)
	var ts []collectors.Target
	add := func(t collectors.Target) { ts = append(ts, t) }
	for i, u := range a.Gates {
		add(target(fmt.Sprintf("gate-%02d", i), "hikvision-turnstile", u, "gate", fmt.Sprint(i), "username", "admin", "password_file", pass))
	}
	for u := 1; u <= benchBoards; u++ {
		add(target(fmt.Sprintf("board-%02d", u), "modbus-gate-board", modbus, "gate", fmt.Sprint(u), "unit_id", fmt.Sprint(u)))
	}
	for i, u := range a.Barriers {
		add(target(fmt.Sprintf("barrier-%02d", i), "hikvision-barrier", u, "gate", fmt.Sprint(i), "username", "admin", "password_file", pass))
	}
	for i := range benchCards {
		add(target(fmt.Sprintf("led-%02d", i), "xixun-led", a.Xixun, "card_id", fmt.Sprintf("y10-000-%05d", i)))
	}
	for i, u := range a.Coex {
		add(target(fmt.Sprintf("coex-%02d", i), "novastar-coex", u, "screen_id", "{screen}"))
	}
	for i, u := range a.Parking {
		add(target(fmt.Sprintf("parking-%02d", i), "parking-json", u))
	}
	for i := range benchCameras {
		add(target(fmt.Sprintf("lpr-%02d", i), "vzenith-plate", "http://10.0.0.1", "serialno", fmt.Sprintf("cam-%02d", i),
			"gate", fmt.Sprint(i), "direction_map", "4=in,3=out", "barrier_input", "0"))
	}
	for i, ac := range acs {
		t := acTarget(b, "huawei-wlan-ac", ac.addr)
		t.Name = fmt.Sprintf("ac-%d", i)
		add(t)
	}
	for i, u := range a.SIP {
		add(target(fmt.Sprintf("pa-%02d", i), "broadcast-sip", u, "zone", fmt.Sprint(i)))
	}
	for i, u := range a.TCP {
		add(target(fmt.Sprintf("tcp-%02d", i), "tcp-reachability", u))
	}
	return ts
}

// cpuTime is the CPU this process used so far (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fakeHost is the child process serving the fakes.
type fakeHost struct {
	addrs fakeHostAddrs
	in    io.WriteCloser
	out   *bufio.Reader
}

func startFakeHost(b *testing.B, pushURL string) *fakeHost {
	exe, err := os.Executable()
	require.NoError(b, err)
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), fakeHostEnv+"=1", "PUSH_URL="+pushURL)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(b, err)
	out, err := cmd.StdoutPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	b.Cleanup(func() { in.Close(); _ = cmd.Wait() })
	h := &fakeHost{in: in, out: bufio.NewReader(out)}
	line, err := h.out.ReadBytes('\n')
	require.NoError(b, err)
	require.NoError(b, json.Unmarshal(line, &h.addrs))
	return h
}

// push makes every camera send one round's heartbeats and reads.
func (h *fakeHost) push(b *testing.B) {
	_, err := io.WriteString(h.in, "push\n")
	require.NoError(b, err)
	line, err := h.out.ReadString('\n')
	require.NoError(b, err)
	require.Equal(b, "done\n", line)
}

// runFakeHost is the child: it starts the fakes, prints their addresses and
// pushes a round of camera traffic for each "push" line on stdin.
func runFakeHost() int {
	var a fakeHostAddrs
	var closers []io.Closer
	must := func(c io.Closer, err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		closers = append(closers, c)
	}
	for range benchGates {
		g, err := devicefake.NewHikvisionGate("127.0.0.1:0")
		must(g, err)
		g.SetAuth(devicefake.Auth{Scheme: "digest", User: "admin", Password: gatePass})
		g.Pass("in", 120)
		a.Gates = append(a.Gates, g.URL())
	}
	for range benchBarriers {
		br, err := devicefake.NewHikvisionBarrier("127.0.0.1:0")
		must(br, err)
		br.SetAuth(devicefake.Auth{Scheme: "digest", User: "admin", Password: gatePass})
		a.Barriers = append(a.Barriers, br.URL())
	}
	x, err := devicefake.NewXixunServer("127.0.0.1:0")
	must(x, err)
	for i := range benchCards {
		x.SetCard(fmt.Sprintf("y10-000-%05d", i), devicefake.XixunCard{Online: true, ScreenOn: true, Brightness: 200, Program: "欢迎", Temperature: 40, Voltage: 4.5})
	}
	a.Xixun = x.URL()
	for range benchCoex {
		p, err := devicefake.NewCoexProcessor("127.0.0.1:0", "{screen}")
		must(p, err)
		a.Coex = append(a.Coex, p.URL())
	}
	for range benchParking {
		p, err := devicefake.NewParkingServer("127.0.0.1:0", devicefake.ParkingLot{Code: "1", Name: "东", Total: 420, Free: 100},
			devicefake.ParkingLot{Code: "2", Name: "西", Total: 300, Free: 10}, devicefake.ParkingLot{Code: "3", Name: "南", Total: 120, Free: 0})
		must(p, err)
		a.Parking = append(a.Parking, p.URL())
	}
	for range benchSIP {
		s, err := devicefake.NewSIPTerminal("127.0.0.1:0")
		must(s, err)
		a.SIP = append(a.SIP, s.Addr())
	}
	for range benchTCP {
		s, err := devicefake.NewTCPService("127.0.0.1:0")
		must(s, err)
		a.TCP = append(a.TCP, s.Addr())
	}
	var cams []*devicefake.PlateCamera
	for i := range benchCameras {
		cams = append(cams, devicefake.NewPlateCamera(os.Getenv("PUSH_URL"), fmt.Sprintf("cam-%02d", i), "10.0.0.1"))
	}
	line, _ := json.Marshal(a)
	fmt.Println(string(line))
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var wg sync.WaitGroup
		for _, cam := range cams {
			wg.Go(func() {
				for range benchBeats {
					_ = cam.Heartbeat(context.Background())
				}
				for range benchReads {
					_, _ = cam.Read(context.Background(), "豫M12345", 4)
				}
			})
		}
		wg.Wait()
		fmt.Println("done")
	}
	for _, c := range closers {
		c.Close()
	}
	return 0
}
