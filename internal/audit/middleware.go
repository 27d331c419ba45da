package audit

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/swanwatch/swanwatch/internal/auth"
)

// Middleware records every write request (any method but GET, HEAD, OPTIONS)
// after it ran: who (the auth principal, whether auth wraps this middleware or
// sits inside it), when, method and path, the client address and the status
// code. Bodies and query strings are never recorded: they carry passwords and
// tokens. A request whose handler panics is recorded with status 500.
func (l *Log) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		ctx, inner := auth.TrackPrincipal(r.Context())
		rec := &statusRecorder{ResponseWriter: w}
		start := l.now()
		panicked := true
		defer func() {
			status := rec.statusCode()
			if panicked {
				status = http.StatusInternalServerError
			}
			l.recordRequest(r, inner, start, status)
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
		panicked = false
	})
}

func (l *Log) recordRequest(r *http.Request, inner func() (auth.Principal, bool), start time.Time, status int) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		p, ok = inner()
	}
	e := Entry{Time: start, Action: r.Method + " " + r.URL.Path, RemoteAddr: clientHost(r.RemoteAddr),
		Result: strconv.Itoa(status)}
	if ok {
		e.User, e.Role, e.Detail = p.User, p.Role, "via="+string(p.Via)
	}
	// The client may be gone; the record must still be written.
	if err := l.Record(context.WithoutCancel(r.Context()), e); err != nil {
		l.log.Error("audit record lost", "action", e.Action, "user", e.User, "err", err)
	}
}

func clientHost(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines underneath.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) statusCode() int {
	if s.status == 0 {
		return http.StatusOK // the handler wrote nothing: net/http sends 200
	}
	return s.status
}
