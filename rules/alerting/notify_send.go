package alerting

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// send queues a group notice on every channel of the group's receiver and
// records on the incidents what was announced. A repeat carries every alert
// of the group; a first notice only the news.
func (n *Notifier) send(ctx context.Context, cfg NotifyConfig, g *Group, news []Alert, repeat bool, children map[int64]int, now time.Time) {
	alerts := news
	if repeat {
		alerts = g.Alerts
	}
	nt := n.render(alerts, children, now)
	base := noticeID(g.Key, news, repeat, now)
	if !n.enqueue(ctx, cfg.Receivers[g.Route.Receiver], base, nt) {
		return // nothing queued: the news stays news and is tried next tick
	}
	notifyNotices.Inc()
	var fired, resolved []int64
	for _, a := range news {
		if a.Firing {
			fired = append(fired, a.IncidentID)
		} else {
			resolved = append(resolved, a.IncidentID)
		}
	}
	for state, ids := range map[int][]int64{NotifyFiring: fired, NotifyDone: resolved} {
		if err := n.opts.Incidents.MarkAnnounced(ctx, ids, state); err != nil {
			notifyErrors.Inc()
			n.log.Error("mark incidents announced", "err", err)
		}
	}
}

// enqueue puts nt in the outbox once per channel, with the channel in the
// id; ok is false when no channel took it.
func (n *Notifier) enqueue(ctx context.Context, channels []string, base string, nt Notification) (ok bool) {
	if len(channels) == 0 {
		notifyErrors.Inc()
		n.log.Error("receiver has no working channel; notice not sent", "notice", base)
		return false
	}
	for _, ch := range channels {
		nt.ID = base + "@" + ch
		if _, err := n.opts.Outbox.Enqueue(ctx, ch, nt); err != nil {
			notifyErrors.Inc()
			n.log.Error("queue notification", "channel", ch, "err", err)
			continue
		}
		ok = true
	}
	return ok
}

// escalate pages, one page per incident and tick, the people of the next
// due step of every open, unacknowledged, notifiable incident's policy.
func (n *Notifier) escalate(ctx context.Context, cfg NotifyConfig, vs []verdict, children map[int64]int, now time.Time) {
	if cfg.Directory == nil || len(cfg.Policies) == 0 {
		return
	}
	watch := cfg.Watches.ActiveWatch(now)
	policies := map[string]*oncall.Policy{}
	for _, v := range vs {
		if !v.inc.Open() || v.held != "" || v.inc.AckedBy != "" {
			continue
		}
		p := n.policyFor(cfg, v.inc, watch, policies)
		if p == nil {
			continue
		}
		if step, due := p.Due(v.inc.escalation(), v.inc.EscalationStep-1, now); due {
			n.page(ctx, cfg, p, v.inc, step, children, watch, now)
		} else if at, ok := p.NextAt(v.inc.escalation(), v.inc.EscalationStep-1); ok {
			n.wake(at)
		}
	}
}

// policyFor is the escalation policy of the incident's first matching route
// that names one, as the active heightened watch changes it.
func (n *Notifier) policyFor(cfg NotifyConfig, inc Incident, watch *oncall.Watch, cache map[string]*oncall.Policy) *oncall.Policy {
	var name string
	for _, r := range cfg.Route.Match(inc.toAlert()) {
		if r.Escalation != "" {
			name = r.Escalation
			break
		}
	}
	if p, ok := cache[name]; ok || name == "" {
		return p
	}
	cache[name] = nil
	base := cfg.Policies[name]
	if base == nil {
		notifyErrors.Inc()
		n.log.Error("route names an unknown escalation policy", "policy", name)
		return nil
	}
	p, err := watch.Apply(base)
	if err != nil {
		notifyErrors.Inc()
		n.log.Error("heightened watch makes the policy invalid; using it unchanged", "policy", name, "err", err)
		p = base
	}
	cache[name] = p
	return p
}

// page sends one escalation page and records it on the incident. A person
// whose quiet hours or digest hold the page is recorded with it held
// (releaseHeld sends it later); each of the others is paged on the step's
// channels they prefer.
func (n *Notifier) page(ctx context.Context, cfg NotifyConfig, p *oncall.Policy, inc Incident, step int, children map[int64]int, watch *oncall.Watch, now time.Time) {
	pg, ok := cfg.Directory.Page(p, step, now)
	if !ok {
		return
	}
	nt := n.render([]Alert{inc.toAlert()}, children, now)
	nt.Title = fmt.Sprintf("【升级·%s】%s", inc.Severity.Name(), strings.TrimPrefix(nt.Title, "【"+inc.Severity.Name()+"】"))
	pg.Apply(&nt)
	n.address(nt.Recipients, inc.ID, step)
	if watch != nil {
		nt.Text += "\n" + watch.Banner()
	}
	paged, active := holds(pg.People, inc.Severity, now)
	if len(active) > 0 || len(pg.People) == 0 {
		if !n.enqueuePage(ctx, cfg, pg, active, nt, fmt.Sprintf("p-%d-%d", inc.ID, step)) {
			return
		}
		notifyPages.Inc()
	}
	names := make([]string, 0, len(pg.People))
	for _, person := range pg.People {
		names = append(names, person.Name)
	}
	detail := fmt.Sprintf("第%d次升级（%s），通知：%s；渠道：%s", step+1, p.Name, strings.Join(names, "、"),
		strings.Join(pg.Channels, "、"))
	if err := n.opts.Incidents.Escalated(ctx, inc.ID, step+1, paged, pg.Channels, detail); err != nil {
		notifyErrors.Inc()
		n.log.Error("record escalation", "incident", inc.ID, "err", err)
	}
}

// holds sorts a page's people into those paged now and those whose own
// settings hold it; paged lists everyone, the held with their time.
func holds(people []oncall.Person, sev Severity, now time.Time) (paged []PagedPerson, active []oncall.Person) {
	for _, person := range people {
		pp := PagedPerson{Name: person.Name, Phone: person.Phone}
		if until, why, held := person.Hold(sev, now); held {
			pp.HeldUntil, pp.Reason = until, why
		} else {
			active = append(active, person)
		}
		paged = append(paged, pp)
	}
	return paged, active
}

// enqueuePage puts nt on each of the step's receivers with the people who
// take it there (Person.Prefer); a receiver nobody takes is skipped, unless
// nobody is on duty at all (the group must see that). ok is false when no
// channel took it.
func (n *Notifier) enqueuePage(ctx context.Context, cfg NotifyConfig, pg oncall.Page, people []oncall.Person, nt Notification, base string) (ok bool) {
	for _, r := range pg.Channels {
		one := nt
		one.Mentions, one.Recipients = nil, nil
		for _, person := range people {
			if slices.Contains(person.Prefer(pg.Channels), r) {
				one.Mentions = append(one.Mentions, person.Phone)
				one.Recipients = append(one.Recipients, recipientOf(nt.Recipients, person.Name))
			}
		}
		if len(one.Recipients) == 0 && len(pg.People) > 0 {
			continue
		}
		if n.enqueue(ctx, cfg.Receivers[r], base, one) {
			ok = true
		}
	}
	return ok
}

// recipientOf finds a person's addressed recipient.
func recipientOf(rs []Recipient, name string) Recipient {
	for _, r := range rs {
		if r.Name == name {
			return r
		}
	}
	return Recipient{Name: name}
}

// address gives each recipient of a page their own signed link to the
// incident page and, for voice, the call reference its report will echo.
func (n *Notifier) address(rs []Recipient, id int64, step int) {
	if n.opts.AckLinks == nil {
		return
	}
	for i := range rs {
		rs[i].AckURL = n.opts.AckLinks.PersonURL(n.opts.ExternalURL, id, rs[i].Name)
		rs[i].Call = n.opts.AckLinks.CallRef(id, step+1, rs[i].Name)
	}
}
