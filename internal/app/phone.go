package app

import (
	"context"
	"net/http"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// phoneRoutes are what the on-call engineer's phone reaches (docs/oncall.md):
// the incident page a message links to, and 我的值班. Its signed link is the credential —
// one incident, expiring — so it is open; what is done there is audited
// under the link's person.
func (s *system) phoneRoutes() []route {
	m := alerting.NewMobileAPI(s.notify.links, s.incidents, alerting.MobileOptions{
		Notifier: s.notify.notifier, Silences: s.notify.silences,
		Resolvable: s.evrules.ByHand, Release: func(_ context.Context, a alerting.Alert) bool { return s.evrules.Forget(a) },
		Vouch: vouch(auth.ViaLink)})
	return []route{
		{pattern: "GET /ack/{token}", role: open, handler: http.HandlerFunc(m.Page)},
		{pattern: "POST /ack/{token}", role: open, handler: http.HandlerFunc(m.Act)},
		// 我的值班: whoever is logged in, matched to the roster by its user field.
		{pattern: "GET /duty", role: auth.RoleViewer, handler: alerting.NewDutyPage(s.notify.notifier, s.incidents, userOf)},
	}
}

// vouch names, for the audit trail, who acted on an open route that checked
// its own credential, and what they did.
func vouch(via auth.Via) func(r *http.Request, actor, object, detail string) {
	return func(r *http.Request, actor, object, detail string) {
		auth.Vouch(r.Context(), auth.Principal{User: actor, Via: via})
		audit.Describe(r, object, detail)
	}
}
