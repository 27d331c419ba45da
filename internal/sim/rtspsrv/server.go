package rtspsrv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. Zero values take the defaults.
type Options struct {
	Listen string // default 127.0.0.1:0
	Realm  string // authentication realm; default "SwanWatch Camera"
	Logger *slog.Logger
	// Now is the clock of the timeline and the nonces; default time.Now.
	// Pictures are paced by it: a shifted clock is fine, a frozen test clock
	// freezes the streams and a fast one plays them fast.
	Now func() time.Time
	// MaxConns bounds open connections (default 1024); more are closed at once.
	MaxConns int
	// IdleTimeout closes a connection that sends nothing (no request, no RTCP)
	// for this long, the session timeout announced to clients (default 60 s).
	IdleTimeout time.Duration
	// WriteTimeout drops a session whose client does not take a picture
	// within this long (default 5 s).
	WriteTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if o.Realm == "" {
		o.Realm = "SwanWatch Camera"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 1024
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 60 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 5 * time.Second
	}
	return o
}

// Stats are the server's counters since New.
type Stats struct {
	Conns        int64 // accepted
	Refused      int64 // closed at once: over MaxConns
	Active       int64 // connections open now
	Played       int64 // PLAY answered 200
	Playing      int64 // sessions sending now
	BadRequests  int64 // unparsable requests (answered with 4xx/5xx, then closed)
	Unauthorized int64 // 401 answered
	HungUp       int64 // connections cut by FaultClose
	Interleaved  int64 // client packets ($-framed RTCP) read and dropped
}

// Server serves the added paths on one TCP listener.
type Server struct {
	opts  Options
	log   *slog.Logger
	guard *Guard

	mu     sync.Mutex
	paths  map[string]*path
	ln     net.Listener
	conns  map[*conn]struct{}
	closed bool
	wg     sync.WaitGroup

	accepted, refused, active, played, playing atomic.Int64
	bad, unauthorized, hungUp, interleaved     atomic.Int64
}

// New makes a server; add paths, then Start or Run.
func New(o Options) *Server {
	o = o.withDefaults()
	return &Server{opts: o, log: o.Logger, guard: NewGuard(o.Realm, o.Now), paths: map[string]*path{}, conns: map[*conn]struct{}{}}
}

// Start binds the listener; Addr is valid afterwards.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	if s.closed {
		return errors.New("rtsp server already closed")
	}
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		return fmt.Errorf("rtsp listen %s: %w", s.opts.Listen, err)
	}
	s.ln = ln
	return nil
}

// Addr is the listener's host:port, "" before Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL is the rtsp:// address of a path (no credentials in it).
func (s *Server) URL(name string) string { return "rtsp://" + s.Addr() + "/" + name }

// Run serves until ctx is done, then closes every connection and waits for
// their goroutines.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Start(); err != nil {
		return err
	}
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	errc := make(chan error, 1)
	go func() { errc <- s.accept(ln) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	s.Close()
	if err == nil {
		<-errc
	}
	return err
}

// Close stops the listener and every connection and waits for them.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	if s.ln != nil {
		_ = s.ln.Close()
	}
	for c := range s.conns {
		_ = c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept(ln net.Listener) error {
	for {
		nc, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() { // EMFILE and the like: back off, as net/http does
				time.Sleep(50 * time.Millisecond)
				continue
			}
			return fmt.Errorf("rtsp accept: %w", err)
		}
		s.accepted.Add(1)
		c := newConn(s, nc)
		if !s.track(c) {
			s.refused.Add(1)
			hangUp(nc)
			continue
		}
		go c.serve()
	}
}

// track registers a connection; false when closed or over MaxConns.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.conns) >= s.opts.MaxConns {
		return false
	}
	s.conns[c] = struct{}{}
	s.active.Add(1)
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.active.Add(-1)
	s.wg.Done()
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	return Stats{Conns: s.accepted.Load(), Refused: s.refused.Load(), Active: s.active.Load(),
		Played: s.played.Load(), Playing: s.playing.Load(), BadRequests: s.bad.Load(),
		Unauthorized: s.unauthorized.Load(), HungUp: s.hungUp.Load(), Interleaved: s.interleaved.Load()}
}

// hangUp closes a connection with a reset (linger 0), what a client sees
// when a camera's RTSP service dies.
func hangUp(nc net.Conn) {
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = nc.Close()
}
