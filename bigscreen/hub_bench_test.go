package bigscreen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// benchClientsEnv makes the test binary a client process: "URL|N" opens N
// screens, prints "ready" once each has its snapshot, reads until stdin
// closes. The screens live in another process so the benchmark's CPU
// figure is the server's alone.
const benchClientsEnv = "SWANWATCH_BENCH_WS_CLIENTS"

// BenchmarkHub100Screens: 100 real WebSocket screens on loopback follow one
// scene of 20 panels; each b.N round changes 1–3 panels and publishes, one
// round per second (as the evaluator does), so run it with -benchtime=Nx.
// Reported: the process's CPU per second of wall time (all of the hub's
// work, Publish included) and without the Publish calls themselves, bytes
// per second per screen in steady state, and server memory per screen.
func BenchmarkHub100Screens(b *testing.B) {
	const screens = 100
	h := startHub(b, func(o *HubOptions) { o.Heartbeat = 5 * time.Second; o.ConnectBurst = screens })
	def, state := benchScene()
	h.Publish(def, state, time.Now())
	mem0 := liveBytes()
	stop := startBenchClients(b, h.url, screens)
	defer stop()
	require.Eventually(b, func() bool { return h.Stats().Screens == screens }, 10*time.Second, 10*time.Millisecond)
	perScreen := float64(liveBytes()-mem0) / screens

	rng := rand.New(rand.NewPCG(1, 2))
	sent0, cpu0, start := bytesSent(), cpuTime(), time.Now()
	var publishing time.Duration
	b.ResetTimer()
	for i := range b.N {
		benchChange(rng, state, i)
		t := time.Now()
		h.Publish(def, state, t)
		publishing += time.Since(t)
		time.Sleep(time.Until(start.Add(time.Duration(i+1) * time.Second)))
	}
	b.StopTimer()
	wall, cpu := time.Since(start), cpuTime()-cpu0
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "%cpu")
	b.ReportMetric(100*(cpu-publishing).Seconds()/wall.Seconds(), "%cpu-beyond-publish")
	b.ReportMetric(float64(bytesSent()-sent0)/screens/wall.Seconds(), "B/s/screen")
	b.ReportMetric(perScreen, "B/screen")
	b.ReportMetric(float64(publishing.Microseconds())/float64(b.N), "µs/publish")
}

// benchScene is a city overview: 12 KPIs, 5 rankings of 10 rows, a map of
// the ten districts with three points, a board of 10 incidents.
func benchScene() (*scene.Def, map[string]json.RawMessage) {
	def := sceneDef("city", 19)
	state := kpis(12, 97)
	districts := []string{"市本级", "义马市", "渑池县", "湖滨区", "陕州区", "灵宝市", "卢氏县", "经济开发区", "城乡一体化示范区",
		"现代服务业开发区"}
	rows := make([]scene.Row, len(districts))
	for i, d := range districts {
		v := 99.5 - float64(i)/10
		rows[i] = scene.Row{Name: d, Value: &v, State: "ok"}
	}
	for i := 12; i < 17; i++ {
		state[fmt.Sprintf("p%d", i)] = mustJSON(scene.RowsData{Rows: rows})
	}
	state["p17"] = mustJSON(scene.RowsData{Rows: rows, Points: rows[:3]})
	board := scene.BoardData{}
	for i := range 10 {
		board.Rows = append(board.Rows, scene.BoardRow{ID: int64(1000 + i), Severity: "major", SeverityName: "重要",
			Title: "链路中断: 灵宝市-川口乡", District: "灵宝市", Object: "GE0/0/1", Since: t0})
	}
	state["p18"] = mustJSON(board)
	return def, state
}

// benchChange changes one to three panels, mostly KPIs, now and then a
// ranking, as a real round does.
func benchChange(rng *rand.Rand, state map[string]json.RawMessage, round int) {
	for range 1 + rng.IntN(3) {
		id := rng.IntN(12)
		v := 95 + rng.Float64()*5
		state[fmt.Sprintf("p%d", id)] = mustJSON(scene.KPIData{Value: &v, State: "ok"})
	}
	if round%5 == 0 {
		v := rng.Float64() * 100
		state["p12"] = mustJSON(scene.RowsData{Rows: []scene.Row{{Name: "卢氏县", Value: &v, State: "warn"}}})
	}
}

func liveBytes() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func bytesSent() uint64 {
	var n uint64
	for _, k := range hubKindNames {
		n += counter(`swanwatch_bigscreen_bytes_sent_total{type="` + k + `"}`)
	}
	return n
}

// startBenchClients runs the client process and waits for its screens.
func startBenchClients(b *testing.B, url string, n int) (stop func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s|%d", benchClientsEnv, url, n))
	stdin, err := cmd.StdinPipe()
	require.NoError(b, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(b, err)
	cmd.Stderr = os.Stderr
	require.NoError(b, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(b, err)
	require.Equal(b, "ready\n", line)
	return func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}
}

// benchClients is the client process's main.
func benchClients(spec string) int {
	url, count, _ := strings.Cut(spec, "|")
	var n int
	fmt.Sscan(count, &n)
	var wg sync.WaitGroup
	conns := make([]*websocket.Conn, 0, n)
	for range n {
		ws, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {testOrigin}})
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial:", err)
			return 1
		}
		conns = append(conns, ws)
		if err := ws.WriteJSON(ClientMessage{Type: ClientHello, Screen: "lobby"}); err != nil {
			return 1
		}
		for range 2 { // the screen frame and the snapshot
			if _, _, err := ws.ReadMessage(); err != nil {
				return 1
			}
		}
		wg.Go(func() { discardFrames(ws) })
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, ws := range conns {
		_ = ws.Close()
	}
	wg.Wait()
	return 0
}

func discardFrames(ws *websocket.Conn) {
	for {
		_, r, err := ws.NextReader()
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, r)
	}
}
