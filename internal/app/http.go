package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/web"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

type server struct {
	s   *system
	srv *http.Server
}

func (s *system) newServer() *server {
	return &server{s: s, srv: &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute, // long range queries and report downloads
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}}
}

// routes builds the whole HTTP surface. Only /healthz, /-/ready and the
// signed 确认 links are open;
// everything else sits behind auth (viewer to read, admin to change), and the
// audit middleware wraps it all from the outside so that every write — login
// attempts and refused requests included — lands in the audit trail.
func (s *system) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /-/ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ready") })
	s.auth.Register(mux) // login page, login/logout, whoami, tokens (admin)

	viewer := http.NewServeMux()
	s.query.Register(viewer)
	viewer.Handle("GET /api/v1/events", s.events.Handler())
	web.New(s.runner, s.logger, nil).WithIncidents(s.incidents).WithSilences(s.notify.silences).Register(viewer)
	incidents := alerting.NewIncidentAPI(s.incidents, userOf)
	incidents.RegisterReads(viewer)
	silences := alerting.NewSilenceAPI(s.notify.silences, userOf)
	silences.RegisterReads(viewer)
	s.reportRoutes(viewer)
	viewer.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) { metrics.WritePrometheus(w, true) })
	mux.Handle("/", s.auth.Middleware(auth.RoleViewer)(viewer))

	operator := http.NewServeMux()
	incidents.RegisterWrites(operator)
	silences.RegisterWrites(operator)
	asOperator := s.auth.Middleware(auth.RoleOperator)(operator)
	for _, p := range []string{"POST /api/v1/incidents/", "POST /api/v1/silences", "DELETE /api/v1/silences/"} {
		mux.Handle(p, asOperator)
	}
	s.wallRoutes(mux)
	// 确认 links in messages: the signed link is the credential (one incident,
	// expiring); the audit middleware still records every POST.
	mux.Handle("/ack/", alerting.AckLinkHandler(s.notify.links, s.incidents))

	admin := s.auth.Middleware(auth.RoleAdmin)
	mux.Handle("POST /-/reload", admin(http.HandlerFunc(s.reload.handle)))
	mux.Handle("GET /api/v1/audit", admin(s.audit.QueryHandler()))
	// Profiles for whoever must explain a CPU or memory figure; admin only.
	mux.Handle("GET /debug/pprof/", admin(http.HandlerFunc(pprof.Index)))
	mux.Handle("GET /debug/pprof/profile", admin(http.HandlerFunc(pprof.Profile)))
	return auditWrites(s.audit.Middleware(mux), mux)
}

// userOf names the authenticated user of a request (auth runs before).
func userOf(r *http.Request) string {
	p, _ := auth.PrincipalFrom(r.Context())
	return p.User
}

// readOnlyPOST are the query endpoints Grafana calls with POST: reads, so they
// stay out of the audit trail (which keeps every row for 180 days).
var readOnlyPOST = map[string]bool{
	"/api/v1/query": true, "/api/v1/query_range": true, "/api/v1/series": true,
	"/api/v1/labels": true, "/api/v1/query_exemplars": true,
}

func auditWrites(audited, plain http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && readOnlyPOST[r.URL.Path] {
			plain.ServeHTTP(w, r)
			return
		}
		audited.ServeHTTP(w, r)
	})
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
	errc := make(chan error, 1)
	go func() {
		if scheme == "https" {
			errc <- sv.srv.ServeTLS(ln, cfg.TLS.CertFile, cfg.TLS.KeyFile)
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
