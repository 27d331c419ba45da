package alerting

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// releaseHeld sends the pages held for people's quiet hours or digests once
// due: one message per person, the page itself when one incident still
// needs them, a digest (汇总) when several do. Incidents acknowledged or
// resolved meanwhile are dropped from it: nobody is woken for what is over.
func (n *Notifier) releaseHeld(ctx context.Context, cfg NotifyConfig, now time.Time) {
	due, err := n.opts.Incidents.HeldDue(ctx, now)
	if err != nil {
		notifyErrors.Inc()
		n.log.Error("read held pages", "err", err)
		return
	}
	byPerson := map[string][]HeldPage{}
	var order []string
	for _, h := range due {
		if _, seen := byPerson[h.Person]; !seen {
			order = append(order, h.Person)
		}
		byPerson[h.Person] = append(byPerson[h.Person], h)
	}
	for _, name := range order {
		n.releaseFor(ctx, cfg, name, byPerson[name], now)
	}
	if at, ok := n.opts.Incidents.NextHeld(ctx); ok {
		n.wake(at)
	}
}

func (n *Notifier) releaseFor(ctx context.Context, cfg NotifyConfig, name string, held []HeldPage, now time.Time) {
	var ids, gone []int64
	var incs []Incident
	var receivers []string
	for _, h := range held {
		inc, err := n.opts.Incidents.Get(ctx, h.Incident)
		if err != nil || !inc.Open() || !inc.AckedAt.IsZero() || slices.Contains(ids, inc.ID) || slices.Contains(gone, inc.ID) {
			if !slices.Contains(ids, h.Incident) {
				gone = append(gone, h.Incident)
			}
			continue
		}
		ids, incs = append(ids, inc.ID), append(incs, inc)
		for _, r := range h.Channels {
			if !slices.Contains(receivers, r) {
				receivers = append(receivers, r)
			}
		}
	}
	release := func(list []int64, detail string) {
		if err := n.opts.Incidents.ReleaseHeld(ctx, name, list, detail); err != nil {
			notifyErrors.Inc()
			n.log.Error("release held pages", "person", name, "err", err)
		}
	}
	release(gone, "")
	person, ok := oncall.Person{}, false
	if cfg.Directory != nil {
		person, ok = cfg.Directory.Person(name)
	}
	if len(incs) == 0 || !ok {
		release(ids, "")
		return
	}
	nt := n.heldNotice(person, incs, now)
	pg := oncall.Page{Channels: receivers, People: []oncall.Person{person}}
	base := fmt.Sprintf("d-%s-%d", name, now.UnixMilli())
	if !n.enqueuePage(ctx, cfg, pg, []oncall.Person{person}, nt, base) {
		return // tried again next tick
	}
	release(ids, "推迟的通知已发送给 "+name)
}

// heldNotice is what a person gets when their held pages go out: the page
// itself for one incident, a digest for several.
func (n *Notifier) heldNotice(p oncall.Person, incs []Incident, now time.Time) Notification {
	alerts := make([]Alert, len(incs))
	for i, inc := range incs {
		alerts[i] = inc.toAlert()
	}
	nt := n.render(alerts[:1], nil, now)
	first := incs[0]
	nt.Title = fmt.Sprintf("【推迟通知·%s】%s", first.Severity.Name(), strings.TrimPrefix(nt.Title, "【"+first.Severity.Name()+"】"))
	if len(incs) > 1 {
		nt.Alerts = alerts
		nt.Title = fmt.Sprintf("【汇总】%s 的 %d 条未处理告警", p.Name, len(incs))
		var b strings.Builder
		for _, inc := range incs {
			fmt.Fprintf(&b, "#%d【%s】%s（%s 起）\n", inc.ID, inc.Severity.Name(), summary(inc.toAlert()), cst.FormatTime(inc.FirstFired))
		}
		nt.Text = strings.TrimSpace(b.String())
	}
	nt.Mentions, nt.Recipients = []string{p.Phone}, []Recipient{p.Recipient()}
	n.address(nt.Recipients, first.ID, first.EscalationStep-1)
	return nt
}
