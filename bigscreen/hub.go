package bigscreen

import (
	"cmp"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"
)

// HubOptions configures a Hub. CheckOrigin is required; zero durations and
// sizes take the defaults noted on each field.
type HubOptions struct {
	Logger *slog.Logger
	// Screens looks up a configured screen by name; an unknown name gets an
	// error frame and a close.
	Screens func(name string) (ScreenConfig, bool)
	// SceneTitles names each scene (id → title, e.g. wan → 电子政务外网): a
	// screen is told the titles of its scenes with its settings, so its tabs
	// read 电子政务外网 before the scene's first snapshot. A scene published
	// since is named by its Def.
	SceneTitles map[string]string
	// CheckOrigin decides whether a browser page may open the socket (the
	// lead builds it from server.allowed_origins plus same-host). Required:
	// NewHub panics without it, because a wall without an Origin check lets
	// any web page an operator visits read the city's state.
	CheckOrigin func(*http.Request) bool
	// Authorize runs before the upgrade (nil: the route's middleware did it).
	Authorize func(*http.Request) error
	// Revalidate runs every heartbeat per connection; an error closes the
	// screen with 令牌已吊销 (nil: never revalidated).
	Revalidate func(*http.Request) error

	Heartbeat      time.Duration // heartbeat and ping period; default 5s
	History        int           // deltas kept per scene for resync; default 512
	SendBuffer     int           // frames queued per screen; default 64
	WriteTimeout   time.Duration // one frame's write; default 5s
	MaxClientFrame int           // bytes; default 4 KiB
	HelloTimeout   time.Duration // default 5s
	MaxConns       int           // default 500
	ConnectRate    float64       // upgrade attempts per second; default 50
	ConnectBurst   int           // default 100
	Now            func() time.Time
}

// Hub fans the scenes' state out to the screens: the latest state per scene,
// a bounded history of deltas for resync, one bounded queue per screen.
type Hub struct {
	opts     HubOptions
	log      *slog.Logger
	limiter  *rate.Limiter
	upgrader websocket.Upgrader
	slots    atomic.Int64 // connections holding a MaxConns slot
	dropped  atomic.Uint64
	base     uint64 // first Seq of every scene: see NewHub

	mu      sync.Mutex
	scenes  map[string]*hubScene
	conns   map[*hubConn]struct{} // upgraded connections not yet finished
	screens int                   // of which past a good hello
	closing bool
	idle    chan struct{} // closed when closing and conns is empty
}

// HubStats is a point-in-time view for tests and the operator note.
type HubStats struct {
	Screens int                    // screens past a good hello
	Scenes  map[string]SceneStatus // newest Seq and evaluation time per scene
	Dropped uint64                 // slow screens dropped since start
}

// NewHub returns a hub; Run must run for heartbeats, pings and shutdown.
func NewHub(opts HubOptions) *Hub {
	if opts.CheckOrigin == nil {
		panic("bigscreen: HubOptions.CheckOrigin is required")
	}
	opts = withDefaults(opts)
	h := &Hub{
		opts:    opts,
		log:     opts.Logger,
		limiter: rate.NewLimiter(rate.Limit(opts.ConnectRate), opts.ConnectBurst),
		scenes:  make(map[string]*hubScene),
		conns:   make(map[*hubConn]struct{}),
		idle:    make(chan struct{}),
	}
	// Seqs start at the hub's start in Unix milliseconds rather than 1, so a
	// page that reconnects after a server restart never holds a Seq the new
	// hub also uses for different data: its last_seq is always below the new
	// history and it gets a snapshot. The value stays far below 2^53 (exact
	// in JavaScript).
	h.base = uint64(max(opts.Now().UnixMilli(), 1))
	h.upgrader = websocket.Upgrader{
		HandshakeTimeout: opts.WriteTimeout,
		ReadBufferSize:   1024,
		WriteBufferPool:  &sync.Pool{}, // idle screens hold no write buffer
		CheckOrigin:      opts.CheckOrigin,
	}
	return h
}

func withDefaults(o HubOptions) HubOptions {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Screens == nil {
		o.Screens = func(string) (ScreenConfig, bool) { return ScreenConfig{}, false }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Heartbeat = cmp.Or(o.Heartbeat, 5*time.Second)
	o.WriteTimeout = cmp.Or(o.WriteTimeout, 5*time.Second)
	o.HelloTimeout = cmp.Or(o.HelloTimeout, 5*time.Second)
	o.History = cmp.Or(o.History, 512)
	o.SendBuffer = cmp.Or(o.SendBuffer, 64)
	o.MaxClientFrame = cmp.Or(o.MaxClientFrame, 4096)
	o.MaxConns = cmp.Or(o.MaxConns, 500)
	o.ConnectRate = cmp.Or(o.ConnectRate, 50)
	o.ConnectBurst = cmp.Or(o.ConnectBurst, 100)
	return o
}

// Stats reports the connected screens, each scene's position and the drops.
func (h *Hub) Stats() HubStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	st := HubStats{Screens: h.screens, Scenes: make(map[string]SceneStatus, len(h.scenes)),
		Dropped: h.dropped.Load()}
	for id, s := range h.scenes {
		if s.seq > 0 {
			st.Scenes[id] = SceneStatus{Seq: s.seq, At: s.at}
		}
	}
	return st
}
