package devicefake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is how a fake misbehaves instead of answering normally.
type Fault int

// Faults of an HTTP fake.
const (
	Healthy     Fault = iota
	Garbage           // 200 with bytes that are not the vendor's format
	Slow              // the normal answer after the delay of SetFault
	Hang              // no answer until the client gives up or the fake closes
	ServerError       // 500
	Reset             // the connection is closed without an answer
)

func (f Fault) String() string {
	return [...]string{"healthy", "garbage", "slow", "hang", "server error", "reset"}[f]
}

// garbageBody is what a Garbage fault answers: a login page, as a box behind
// a misconfigured proxy does.
const garbageBody = "<html><body>\x00\x01 login required </body>"

// Box is the HTTP side every HTTP fake shares: the listener, the fault, the
// auth and the request counters.
type Box struct {
	ln  net.Listener
	srv *http.Server

	mu    sync.Mutex
	fault Fault
	delay time.Duration
	auth  Auth
	nonce nonceBook

	requests atomic.Int64
	refused  atomic.Int64
	closed   chan struct{}
	once     sync.Once
}

// start listens on addr and serves h behind the fault and auth layer.
func (b *Box) start(addr string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("devicefake: listen %s: %w", addr, err)
	}
	b.ln, b.closed = ln, make(chan struct{})
	b.nonce.uses = map[string]int{}
	b.srv = &http.Server{Handler: b.wrap(h), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = b.srv.Serve(ln) }()
	return nil
}

// URL is http://host:port of the fake.
func (b *Box) URL() string { return "http://" + b.ln.Addr().String() }

// Addr is host:port of the fake.
func (b *Box) Addr() string { return b.ln.Addr().String() }

// Close stops the fake; hanging requests end.
func (b *Box) Close() error {
	b.once.Do(func() { close(b.closed) })
	err := b.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// SetFault makes the fake misbehave; delay is the Slow fault's wait.
func (b *Box) SetFault(f Fault, delay time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fault, b.delay = f, delay
}

// SetAuth makes the fake require credentials (a zero Auth: none).
func (b *Box) SetAuth(a Auth) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.auth = a
}

// Requests is how many requests reached the fake (faulty ones included).
func (b *Box) Requests() int64 { return b.requests.Load() }

// AuthFailures is how many requests the fake refused for their credentials.
func (b *Box) AuthFailures() int64 { return b.refused.Load() }

func (b *Box) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.requests.Add(1)
		b.mu.Lock()
		fault, delay := b.fault, b.delay
		b.mu.Unlock()
		switch fault {
		case Garbage:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(garbageBody))
			return
		case ServerError:
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		case Reset:
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
				}
			}
			return
		case Hang:
			b.wait(r.Context(), time.Hour)
			return
		case Slow:
			if !b.wait(r.Context(), delay) {
				return
			}
		}
		if !b.authorize(w, r) {
			b.refused.Add(1)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// wait sleeps d unless the request or the fake ends first; it reports
// whether the full time passed.
func (b *Box) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-b.closed:
	}
	return false
}
