package audit

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
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
		var said description
		ctx = context.WithValue(ctx, describeKey{}, &said)
		rec := &statusRecorder{ResponseWriter: w}
		start := l.now()
		panicked := true
		defer func() {
			status := rec.statusCode()
			if panicked {
				status = http.StatusInternalServerError
			}
			l.recordRequest(r, inner, said, start, status)
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
		panicked = false
	})
}

func (l *Log) recordRequest(r *http.Request, inner func() (auth.Principal, bool), said description, start time.Time, status int) {
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok {
		p, ok = inner()
	}
	e := Entry{Time: start, Action: r.Method + " " + r.URL.Path, RemoteAddr: clientHost(r.RemoteAddr),
		Result: strconv.Itoa(status)}
	if ok {
		e.User, e.Role, e.Detail = p.User, p.Role, "via="+string(p.Via)
	}
	if said.set {
		// The handler said what it did; its path may hold its credential
		// (a signed link), so the route's pattern stands for it.
		if said.pattern != "" {
			e.Action = said.pattern
		}
		e.Object, e.Detail = said.object, strings.TrimSpace(said.detail+" "+e.Detail)
	}
	// The client may be gone; the record must still be written.
	if err := l.Record(context.WithoutCancel(r.Context()), e); err != nil {
		l.log.Error("audit record lost", "action", e.Action, "user", e.User, "err", err)
	}
}

type describeKey struct{}

type description struct {
	set                     bool
	pattern, object, detail string
}

// Describe says, from inside a handler behind Middleware, what the request
// r did to which object ("incident 42", "确认"): the audit row records it,
// and r's route pattern instead of its path.
func Describe(r *http.Request, object, detail string) {
	if d, ok := r.Context().Value(describeKey{}).(*description); ok {
		*d = description{set: true, pattern: r.Pattern, object: object, detail: detail}
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
