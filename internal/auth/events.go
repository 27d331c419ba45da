package auth

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Event is a security event for the audit trail: a login attempt, a lockout, a
// change to a user or a token. User is who acted, Object what was acted on.
type Event struct {
	Time       time.Time
	User       string
	Role       Role
	Action     string // login, logout, user.add, user.password, user.disable, token.create, token.revoke
	Object     string
	RemoteAddr string
	Result     string // success, failure, locked
	Detail     string // never a secret
}

// Auditor records security events. It must not block for long: it runs inside
// the request.
type Auditor interface {
	AuthEvent(ctx context.Context, ev Event)
}

type nopAuditor struct{}

func (nopAuditor) AuthEvent(context.Context, Event) {}

// consoleActor names the actor of a change made without an HTTP principal: the
// CLI (`swanwatch user add`) run by someone with access to the host.
const consoleActor = "console"

// event records a change made by the principal in ctx (or the console).
func (s *Service) event(ctx context.Context, action, object, result, detail string) {
	ev := Event{Time: s.now(), User: consoleActor, Action: action, Object: object, Result: result, Detail: detail}
	if p, ok := PrincipalFrom(ctx); ok {
		ev.User, ev.Role = p.User, p.Role
	}
	s.opts.Audit.AuthEvent(ctx, ev)
}

// loginEvent records a login attempt by name (with password or Basic).
func (s *Service) loginEvent(ctx context.Context, u userRow, remote, result, detail string) {
	s.opts.Audit.AuthEvent(ctx, Event{Time: s.now(), User: u.name, Role: u.role, Action: "login",
		Object: u.name, RemoteAddr: remote, Result: result, Detail: detail})
}

// hostOnly strips the port of a RemoteAddr: the port is noise in the audit trail.
func hostOnly(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// Own metrics. Label values are fixed sets (via, result, reason, kind).
func loginCounter(via Via, result string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_auth_logins_total{via=%q,result=%q}`, via, result))
}

func rejectCounter(via Via, reason string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_auth_rejected_total{via=%q,reason=%q}`, via, reason))
}

func badInputCounter(kind string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_auth_bad_input_total{kind=%q}`, kind))
}

func basicCacheCounter(result string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_auth_basic_cache_total{result=%q}`, result))
}
