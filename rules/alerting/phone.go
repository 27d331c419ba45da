package alerting

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// This file is what the on-call engineer's phone does to an incident
// (docs/oncall.md): a voice call's report, an SMS reply, a handover.

// ErrUnknownSender is an SMS reply from a phone on no duty roster.
var ErrUnknownSender = errors.New("the phone is on no duty roster")

// CallReport takes a voice gateway's report of one call: ref is the call
// reference the page carried. Not answered: the next escalation page is due
// at once. Key 1 pressed: the person acknowledged (确认). A forged or
// unknown ref is ErrBadAckLink.
func (n *Notifier) CallReport(ctx context.Context, ref string, answered bool, keys, status string) (Call, error) {
	if n.opts.AckLinks == nil {
		return Call{}, ErrBadAckLink
	}
	c, err := n.opts.AckLinks.VerifyCall(ref)
	if err != nil {
		return Call{}, err
	}
	return c, n.callReport(ctx, c, answered, keys, status)
}

func (n *Notifier) callReport(ctx context.Context, c Call, answered bool, keys, status string) error {
	actor := c.Person + "（语音）"
	switch {
	case answered && strings.HasPrefix(strings.TrimSpace(keys), "1"):
		if err := n.opts.Incidents.Note(ctx, c.Incident, "voice_answered", actor,
			fmt.Sprintf("第%d次升级的语音呼叫已接听，按键1确认", c.Page)); err != nil {
			return err
		}
		_, err := n.opts.Incidents.Ack(ctx, c.Incident, c.Person+"（语音按键）")
		if errors.Is(err, ErrAlreadyAcked) || errors.Is(err, ErrNotOpen) {
			return nil
		}
		return err
	case answered:
		return n.opts.Incidents.Note(ctx, c.Incident, "voice_answered", actor,
			fmt.Sprintf("第%d次升级的语音呼叫已接听（未按键确认）", c.Page))
	}
	detail := fmt.Sprintf("第%d次升级的语音呼叫未接听", c.Page)
	if status != "" {
		detail += "（" + status + "）"
	}
	if err := n.opts.Incidents.Hurry(ctx, c.Incident, "voice_unanswered", actor, detail+"，立即升级"); err != nil {
		return err
	}
	n.Kick()
	return nil
}

// SMSReply takes a person's reply to a page by SMS. ack: the reply means 确认
// (ParseAck's "1"); incident: the number the reply named, 0 for the latest
// incident paged to that phone. Any other reply is kept as a 处置记录 note.
func (n *Notifier) SMSReply(ctx context.Context, phone, content string, ack bool, incident int64) (inc Incident, actor string, err error) {
	dir := n.config().Directory
	if dir == nil {
		return Incident{}, "", ErrUnknownSender
	}
	person, ok := dir.ByPhone(phone)
	if !ok {
		return Incident{}, "", ErrUnknownSender
	}
	actor = person.Name + "（短信回复）"
	if inc, err = n.replyTarget(ctx, person, incident); err != nil {
		return Incident{}, actor, err
	}
	if !ack {
		return inc, actor, n.opts.Incidents.Note(ctx, inc.ID, "note", actor, content)
	}
	got, err := n.opts.Incidents.Ack(ctx, inc.ID, actor)
	if errors.Is(err, ErrAlreadyAcked) {
		return got, actor, n.opts.Incidents.Note(ctx, inc.ID, "note", actor, "回复确认（事件已由 "+got.AckedBy+" 确认）")
	}
	return got, actor, err
}

// replyTarget is the incident an SMS reply is about: the one it names, if
// it was paged to that person, or the latest open one paged to their phone.
func (n *Notifier) replyTarget(ctx context.Context, p oncall.Person, id int64) (Incident, error) {
	if id == 0 {
		return n.opts.Incidents.LatestPagedTo(ctx, p.Phone)
	}
	paged, err := n.opts.Incidents.PagedTo(ctx, id, p.Name)
	if err != nil {
		return Incident{}, err
	}
	if !paged {
		return Incident{}, fmt.Errorf("incident %d was not paged to %s: %w", id, p.Name, ErrNoIncident)
	}
	return n.opts.Incidents.Get(ctx, id)
}

// Handover hands an open incident to the roster person named to (转派) and
// pages them at once over the channels of the incident's escalation policy's
// first step (the receivers that page a person), with their own link.
func (n *Notifier) Handover(ctx context.Context, id int64, to, actor, reason string) (Incident, error) {
	cfg := n.config()
	if cfg.Directory == nil {
		return Incident{}, errors.New("no duty roster is configured")
	}
	p, ok := cfg.Directory.Person(to)
	if !ok {
		return Incident{}, fmt.Errorf("%q is not on any duty roster", to)
	}
	inc, err := n.opts.Incidents.Handover(ctx, id, PagedPerson{Name: p.Name, Phone: p.Phone}, actor, reason)
	if err != nil {
		return inc, err
	}
	channels := n.handoverChannels(cfg, inc)
	nt := n.render([]Alert{inc.toAlert()}, nil, n.opts.Now())
	nt.Title = fmt.Sprintf("【转派·%s】%s", inc.Severity.Name(), strings.TrimPrefix(nt.Title, "【"+inc.Severity.Name()+"】"))
	nt.Text = fmt.Sprintf("%s 将此事件转派给你处理：%s\n%s", actor, reason, nt.Text)
	nt.Mentions, nt.Recipients = []string{p.Phone}, []Recipient{p.Recipient()}
	n.address(nt.Recipients, inc.ID, inc.EscalationStep)
	base := fmt.Sprintf("h-%d-%d", inc.ID, n.opts.Now().UnixMilli())
	if !n.enqueue(ctx, channels, base, nt) {
		return inc, errors.New("转派已记录，但没有可用的通知渠道")
	}
	return inc, nil
}

// handoverChannels are the outbox channels of the first step of the
// incident's policy, or of its route's receiver when it has no policy.
func (n *Notifier) handoverChannels(cfg NotifyConfig, inc Incident) []string {
	if cfg.Route == nil {
		return nil
	}
	var out []string
	if p := n.policyFor(cfg, inc, cfg.Watches.ActiveWatch(n.opts.Now()), map[string]*oncall.Policy{}); p != nil {
		if s, ok := p.StepOf(0); ok {
			for _, r := range s.Channels {
				out = append(out, cfg.Receivers[r]...)
			}
			return out
		}
	}
	for _, r := range cfg.Route.Match(inc.toAlert()) {
		out = append(out, cfg.Receivers[r.Receiver]...)
	}
	return out
}

// People are the roster's people, by name: whom an incident may be handed to.
func (n *Notifier) People() []string {
	dir := n.config().Directory
	if dir == nil {
		return nil
	}
	var out []string
	for _, p := range dir.People() {
		out = append(out, p.Name)
	}
	return out
}
