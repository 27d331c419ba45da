// Command devserver serves the wall page (bigscreen.PageHandler) with a fake
// hub that pushes made-up data for the shipped scenes, so the page can be
// developed and looked at without the whole of SwanWatch:
//
//	go run ./bigscreen/web/devserver -addr 127.0.0.1:8089
//	open http://127.0.0.1:8089/wall/?screen=demo            (rotates)
//	open http://127.0.0.1:8089/wall/?screen=demo&scene=wan  (pinned)
//
// Faults on demand: POST /dev/pause (evaluation stalls: 数据延迟 after
// -stale-after), /dev/resume, /dev/down?for=20s (sockets closed and refused),
// /dev/gap (a lost delta: the page must resync).
//
// With -shots DIR it starts on a free port, drives /usr/bin/chromium over CDP,
// writes one screenshot per scene at 1920×1080 and 3840×2160 (and the city at
// 7680×2160) into DIR and exits; -check runs the behaviour checks instead
// (live values, stale marker, reconnect, resync, rotation).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen"
	"github.com/swanwatch/swanwatch/dashboards"
)

type options struct {
	addr, shots string
	check       bool
	screen      bigscreen.ScreenConfig
	step        time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8089", "listen address")
	flag.StringVar(&o.shots, "shots", "", "take screenshots into this directory and exit")
	flag.BoolVar(&o.check, "check", false, "run the behaviour checks in Chromium and exit")
	flag.StringVar(&o.screen.Fit, "fit", "width", "screen fit: width | height | stretch")
	flag.IntVar(&o.screen.Columns, "columns", 1, "scenes side by side (2 for a 32:9 wall, 3 for 48:9)")
	flag.DurationVar(&o.screen.Dwell, "dwell", 20*time.Second, "scene rotation period")
	flag.DurationVar(&o.screen.StaleAfter, "stale-after", 15*time.Second, "数据延迟 after data this old")
	flag.DurationVar(&o.screen.ReloadEvery, "reload-every", 0, "page reload period (0: never)")
	flag.DurationVar(&o.step, "step", 2*time.Second, "how often the fake data changes")
	flag.Parse()
	o.screen.Name = "demo"
	if o.check { // short enough to see every behaviour in a minute or two
		o.screen.Dwell, o.screen.StaleAfter = 8*time.Second, 6*time.Second
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, log, o); err != nil {
		log.Error("devserver", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger, o options) error {
	defs, err := loadScenes(dashboards.Screens)
	if err != nil {
		return err
	}
	for _, d := range defs {
		o.screen.Playlist = append(o.screen.Playlist, d.ID)
	}
	w := &world{rnd: rand.New(rand.NewPCG(5, 27)), now: time.Now}
	hub := newFakeHub(log, o.screen, defs, w)
	addr := o.addr
	if o.shots != "" || o.check {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: routes(hub), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	stop := make(chan struct{})
	defer close(stop)
	go hub.run(stop, o.step, 5*time.Second)
	base := "http://" + ln.Addr().String()
	log.Info("wall page", "url", base+"/wall/?screen=demo")
	switch {
	case o.shots != "":
		return shoot(ctx, log, base, o.shots, defs)
	case o.check:
		return check(ctx, log, base, hub)
	}
	<-ctx.Done()
	return nil
}

func routes(hub *fakeHub) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/wall/", bigscreen.PageHandler())
	mux.Handle("/wall/ws", hub)
	mux.HandleFunc("POST /dev/pause", func(rw http.ResponseWriter, _ *http.Request) { hub.setPaused(true) })
	mux.HandleFunc("POST /dev/resume", func(rw http.ResponseWriter, _ *http.Request) { hub.setPaused(false) })
	mux.HandleFunc("POST /dev/gap", func(rw http.ResponseWriter, _ *http.Request) { hub.setGap() })
	mux.HandleFunc("POST /dev/down", func(rw http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("for"))
		if err != nil {
			http.Error(rw, "for=<duration>", http.StatusBadRequest)
			return
		}
		hub.down(d)
	})
	return mux
}

func (h *fakeHub) setPaused(p bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.paused = p
}

func (h *fakeHub) setGap() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gap = true
}

// down closes every socket and refuses new ones for d: the server is gone.
func (h *fakeHub) down(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.downUntil = time.Now().Add(d)
	for c := range h.clients {
		_ = c.conn.Close()
	}
}
