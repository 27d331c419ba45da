package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/sms"
)

// smsReplies mounts each receiver's SMS upstream callback (sms_reply): a
// handler per receiver, kept while its settings stay (it remembers the
// replies it took, so a gateway's retry does not act twice), rebuilt when a
// reload changes them.
type smsReplies struct {
	s  *system
	mu sync.Mutex
	by map[string]smsReply
}

type smsReply struct {
	cfg sms.InboundConfig
	h   http.Handler
}

func (sr *smsReplies) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, err := sr.handler(r.PathValue("receiver"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestKey{}, r)))
}

// requestKey carries the callback's request to onReply, which names the
// person in the audit trail.
type requestKey struct{}

func replyRequest(ctx context.Context) (*http.Request, bool) {
	r, ok := ctx.Value(requestKey{}).(*http.Request)
	return r, ok
}

func (sr *smsReplies) handler(name string) (http.Handler, error) {
	var cfg *sms.InboundConfig
	for _, rc := range sr.s.config().Alerting.Receivers {
		if rc.Name == name {
			cfg = rc.SMSReply
		}
	}
	if cfg == nil {
		return nil, errors.New("no sms_reply on this receiver")
	}
	sr.mu.Lock()
	defer sr.mu.Unlock()
	if got, ok := sr.by[name]; ok && got.cfg == *cfg {
		return got.h, nil
	}
	h, err := sms.NewInbound(*cfg, sr.onReply, sr.s.logger.With("part", "sms_reply", "receiver", name))
	if err != nil {
		return nil, fmt.Errorf("sms_reply of receiver %s: %w", name, err)
	}
	if sr.by == nil {
		sr.by = map[string]smsReply{}
	}
	sr.by[name] = smsReply{cfg: *cfg, h: h}
	return h, nil
}

// onReply acknowledges or notes, and names the person for the audit trail.
func (sr *smsReplies) onReply(ctx context.Context, rep sms.Reply) error {
	ack, id := sms.ParseAck(rep.Content)
	inc, actor, err := sr.s.notify.notifier.SMSReply(ctx, rep.Phone, rep.Content, ack, id)
	switch {
	case errors.Is(err, alerting.ErrUnknownSender):
		return fmt.Errorf("%w: %w", sms.ErrUnknownSender, err)
	case errors.Is(err, alerting.ErrNoIncident):
		return nil // nothing paged to answer: kept in the gateway's count, not retried
	case err != nil:
		return err
	}
	what := "处置记录"
	if ack {
		what = "确认"
	}
	if r, ok := replyRequest(ctx); ok {
		vouch(auth.ViaGateway)(r, actor, "incident "+strconv.FormatInt(inc.ID, 10), "短信回复 "+what)
	}
	return nil
}
