package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/httpsec"
)

type server struct {
	s   *system
	srv *http.Server
}

func (s *system) newServer() *server {
	return &server{s: s, srv: &http.Server{
		Handler:           httpsec.Headers(s.handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute, // long range queries and report downloads
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}}
}

// handler mounts the route table: each route behind its role, and every
// non-GET but devices' pushes (refused ones included: a login attempt, a 403) in the audit trail,
// audit outside auth so that it sees the refusals.
func (s *system) handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		h := rt.handler
		if rt.role != open {
			h = s.auth.Middleware(rt.role)(h)
		}
		if !rt.read && !rt.push {
			h = s.audit.Middleware(h)
		}
		mux.Handle(rt.pattern, h)
	}
	return mux
}

// userOf names the authenticated user of a request (auth runs before).
func userOf(r *http.Request) string {
	p, _ := auth.PrincipalFrom(r.Context())
	return p.User
}

// serve listens until ctx ends, then shuts down gracefully.
func (sv *server) serve(ctx context.Context) error {
	cfg := sv.s.config().Server
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another swanwatch running? change server.listen)", cfg.Listen, err)
	}
	scheme := "http"
	if cfg.TLS.CertFile != "" {
		scheme = "https"
	}
	url := fmt.Sprintf("%s://%s", scheme, ln.Addr())
	sv.s.logger.Info("web server listening", "url", url)
	if sv.s.opts.Ready != nil {
		sv.s.opts.Ready(url)
	}
	if scheme == "https" {
		if sv.srv.TLSConfig, err = httpsec.TLSConfig(cfg.TLS.CertFile, cfg.TLS.KeyFile, sv.s.logger); err != nil {
			return errors.Join(fmt.Errorf("server.tls: %w", err), ln.Close())
		}
	}
	errc := make(chan error, 1)
	go func() {
		if scheme == "https" {
			errc <- sv.srv.ServeTLS(ln, "", "") // the certificate from TLSConfig, reloaded when renewed
		} else {
			errc <- sv.srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("web server: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sv.srv.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shut down web server: %w", err)
	}
	return nil
}
