package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/voice"
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
		// A voice gateway's call reports: its own token (callback.token) is the credential.
		{pattern: "POST /hooks/voice/{receiver}", role: open, handler: http.HandlerFunc(s.voiceHook)},
		// An SMS gateway's upstream callback: a person's reply; its token is the credential.
		{pattern: "POST /hooks/sms/{receiver}", role: open, handler: &s.notify.replies},
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

// voiceHook hands a voice gateway's reports to the notifier: the receiver's
// running voice channel checks the gateway's token and reads its format.
func (s *system) voiceHook(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("receiver")
	snd, ok := s.notify.channels.Load().Senders[name+"/voice"].(*voice.Sender)
	if !ok {
		http.Error(w, "no voice channel on this receiver", http.StatusNotFound)
		return
	}
	h, err := snd.Receiver(func(ctx context.Context, rep voice.Report) error {
		c, err := s.notify.notifier.CallReport(ctx, rep.Call, rep.Answered, rep.Keys, rep.Status)
		if errors.Is(err, alerting.ErrBadAckLink) {
			return fmt.Errorf("%w: %w", voice.ErrRefused, err)
		}
		if err == nil {
			vouch(auth.ViaGateway)(r, c.Person+"（语音）", "incident "+strconv.FormatInt(c.Incident, 10),
				"语音呼叫结果 "+map[bool]string{true: "已接听", false: "未接听"}[rep.Answered]+" 按键="+rep.Keys)
		}
		return err
	})
	if err != nil {
		http.Error(w, "the voice channel takes no reports: "+err.Error(), http.StatusNotFound)
		return
	}
	h.ServeHTTP(w, r)
}
