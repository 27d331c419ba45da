package sim

import (
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Own metrics. Labels are bounded: a result or a kind of bad request, never a VM.
var (
	scrapesOK    = metrics.NewCounter(`swanwatch_sim_scrapes_total{result="ok"}`)
	scrapes503   = metrics.NewCounter(`swanwatch_sim_scrapes_total{result="offline_503"}`)
	scrapesHang  = metrics.NewCounter(`swanwatch_sim_scrapes_total{result="offline_hang"}`)
	scrapesClose = metrics.NewCounter(`swanwatch_sim_scrapes_total{result="offline_close"}`)
	badUnknownVM = metrics.NewCounter(`swanwatch_sim_bad_requests_total{kind="unknown_vm"}`)
	badPath      = metrics.NewCounter(`swanwatch_sim_bad_requests_total{kind="bad_path"}`)
	badMode      = metrics.NewCounter(`swanwatch_sim_bad_requests_total{kind="bad_mode"}`)
	badMethod    = metrics.NewCounter(`swanwatch_sim_bad_requests_total{kind="bad_method"}`)
	forcedTotal  = metrics.NewCounter(`swanwatch_sim_control_changes_total`)
)

// contentType is what node_exporter answers to a client that asks for text.
const contentType = "text/plain; version=0.0.4; charset=utf-8"

func (s *Sim) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /vm/{name}/metrics", s.serveVM)
	mux.HandleFunc("GET /inventory", s.serveInventory)
	mux.HandleFunc("GET /control", s.serveControl)
	// /control/... is parsed by parseControlPath and parseLinkPath (fuzzed) rather than the mux, so
	// a bad path gets a clear message and is counted.
	mux.HandleFunc("/control/", s.serveControlAction)
	mux.HandleFunc("/control/link/", s.serveLinkControl)
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		metrics.WritePrometheus(w, true)
	})
	return mux
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func (s *Sim) serveVM(w http.ResponseWriter, r *http.Request) {
	v := s.est.byName[r.PathValue("name")]
	if v == nil {
		badUnknownVM.Inc()
		http.Error(w, "unknown VM", http.StatusNotFound)
		return
	}
	t := s.now()
	if st := s.state(v, t); st.Mode != ModeUp {
		s.fail(w, r, st.Mode)
		return
	}
	scrapesOK.Inc()
	bp := bufPool.Get().(*[]byte)
	b := s.render((*bp)[:0], v, t)
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write(b) // a client gone mid-body is its own problem
	*bp = b
	bufPool.Put(bp)
}

// fail answers as an offline agent does in mode m.
func (s *Sim) fail(w http.ResponseWriter, r *http.Request, m Mode) {
	switch m {
	case Mode503:
		scrapes503.Inc()
		http.Error(w, "agent unavailable", http.StatusServiceUnavailable)
	case ModeHang:
		scrapesHang.Inc()
		s.hold(r)
		hangUp(w)
	default:
		scrapesClose.Inc()
		hangUp(w)
	}
}

// hold keeps a request open until the client gives up, the simulator stops or
// HangMax passes, as a frozen VM would.
func (s *Sim) hold(r *http.Request) {
	t := time.NewTimer(s.opts.HangMax)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-s.stop:
	case <-t.C:
	}
}

// hangUp closes the connection without a response. Linger 0 makes the client
// see a reset, the nearest a shared listener comes to "connection refused".
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok { // HTTP/2 cannot hijack; a 502 is the next best thing
		http.Error(w, "agent gone", http.StatusBadGateway)
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
