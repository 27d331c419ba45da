package alerting

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// verdict is one pending incident and what the notifier decided about it.
type verdict struct {
	inc  Incident
	held string // why it is not announced: 因上级故障抑制, 静默 …, 维护窗口 …; "" notifiable
}

// Tick does one round: verdicts, group notices, escalation pages. Run calls
// it every Interval and on Kick; tests and benchmarks call it directly.
func (n *Notifier) Tick(ctx context.Context) error {
	start := time.Now()
	defer notifyTickDur.UpdateDuration(start)
	notifyTicks.Inc()
	cfg, now := n.config(), n.opts.Now()
	n.wakeAt = time.Time{}
	incs, err := n.opts.Incidents.Pending(ctx)
	if err != nil {
		return err
	}
	vs, children := n.judge(ctx, cfg, incs, n.silences(ctx, now), now)
	if cfg.Route != nil {
		n.announce(ctx, cfg, vs, children, now)
		n.escalate(ctx, cfg, vs, children, now)
		n.releaseHeld(ctx, cfg, now)
	}
	n.seeded = true
	return nil
}

func (n *Notifier) silences(ctx context.Context, now time.Time) []Silence {
	if n.opts.Silences == nil {
		return nil
	}
	s, err := n.opts.Silences(ctx, now)
	if err != nil { // fail open: a broken silence table must not mute the city
		notifyErrors.Inc()
		n.log.Error("read silences; notifying without them", "err", err)
	}
	return s
}

// judge marks every open incident suppressed, silenced, in maintenance or
// notifiable, and records changes of suppression on the incidents. children
// counts, per root incident, the incidents it holds back.
func (n *Notifier) judge(ctx context.Context, cfg NotifyConfig, incs []Incident, sil []Silence, now time.Time) ([]verdict, map[int64]int) {
	alerts := make([]Alert, len(incs))
	byFP := make(map[string]int64, len(incs))
	for i, inc := range incs {
		alerts[i] = inc.toAlert()
		if inc.Open() {
			byFP[inc.Fingerprint] = inc.ID
		}
	}
	marked := Inhibit(alerts, cfg.Topology, cfg.InhibitRules)
	rootOf := make(map[int64]int64)
	for i, m := range marked {
		if m.Suppressed && incs[i].Open() {
			rootOf[incs[i].ID] = byFP[m.By]
		}
	}
	vs := make([]verdict, len(incs))
	children := map[int64]int{}
	for i, inc := range incs {
		vs[i] = verdict{inc: inc}
		if !inc.Open() {
			continue
		}
		root, reason := ultimateRoot(rootOf, inc.ID), marked[i].Reason
		n.recordSuppression(ctx, &vs[i].inc, root, reason)
		if root != 0 {
			vs[i].held = reason
			children[root]++
			continue
		}
		vs[i].held = muteReason(cfg, sil, alerts[i], now)
		n.recordMute(ctx, inc.ID, vs[i].held)
	}
	return vs, children
}

// ultimateRoot follows suppressions up to the incident that is itself not
// suppressed: a village held back by its town router, which is held back by
// the town's uplink, is linked to the uplink's incident. 0: not suppressed.
func ultimateRoot(rootOf map[int64]int64, id int64) int64 {
	root := rootOf[id]
	for hops := 0; root != 0 && hops < 64; hops++ { // inhibit rules may form a cycle
		next, ok := rootOf[root]
		if !ok || next == 0 || next == id {
			break
		}
		root = next
	}
	return root
}

func (n *Notifier) recordSuppression(ctx context.Context, inc *Incident, root int64, reason string) {
	if inc.SuppressedBy == root && (root == 0 || inc.SuppressReason == reason) {
		return
	}
	if err := n.opts.Incidents.SetSuppressed(ctx, inc.ID, root, reason); err != nil {
		notifyErrors.Inc()
		n.log.Error("record suppression", "incident", inc.ID, "err", err)
		return
	}
	inc.SuppressedBy, inc.SuppressReason = root, reason
}

// muteReason names the silences or maintenance window that mute the alert.
func muteReason(cfg NotifyConfig, sil []Silence, a Alert, now time.Time) string {
	if ids := SilencedBy(sil, a, now); len(ids) > 0 {
		return "静默：" + strings.Join(ids, "、")
	}
	for i := range cfg.Maintenance {
		if cfg.Maintenance[i].Covers(a, now) {
			return "维护窗口：" + cfg.Maintenance[i].Name
		}
	}
	return ""
}

// recordMute notes on the timeline when an incident becomes muted, once.
func (n *Notifier) recordMute(ctx context.Context, id int64, why string) {
	if n.muted[id] == why {
		return
	}
	if why == "" {
		delete(n.muted, id)
		return
	}
	n.muted[id] = why
	if err := n.opts.Incidents.Note(ctx, id, "silenced", "system", why+"，不发送通知"); err != nil {
		notifyErrors.Inc()
		n.log.Error("note mute", "incident", id, "err", err)
	}
}

// announce groups what may be told along the routing tree and sends the
// groups whose notice is due.
func (n *Notifier) announce(ctx context.Context, cfg NotifyConfig, vs []verdict, children map[int64]int, now time.Time) {
	var alerts []Alert
	state := map[int64]int{}
	for _, v := range vs {
		owed := !v.inc.Open() && v.inc.NotifyState == NotifyFiring
		if (v.inc.Open() && v.held == "") || owed {
			alerts = append(alerts, v.inc.toAlert())
			state[v.inc.ID] = v.inc.NotifyState
		}
	}
	groups := Groups(alerts, cfg.Route)
	for key, g := range groups {
		news := newsOf(g.Alerts, state)
		c := n.clock(key, now, len(news) > 0)
		repeat, due := c.due(g, len(news) > 0, now)
		if !due {
			if at, ok := c.dueAt(g, len(news) > 0); ok {
				n.wake(at)
			}
			continue
		}
		n.send(ctx, cfg, g, news, repeat, children, now)
		c.sentAt = now
	}
	for key, c := range n.groups {
		if groups[key] == nil && now.Sub(c.seenAt) > time.Minute {
			delete(n.groups, key)
		}
	}
	n.forgetMuted(vs)
}

// forgetMuted drops the mute notes of incidents that are no longer open.
func (n *Notifier) forgetMuted(vs []verdict) {
	if len(n.muted) == 0 {
		return
	}
	open := make(map[int64]bool, len(vs))
	for _, v := range vs {
		open[v.inc.ID] = v.inc.Open()
	}
	for id := range n.muted {
		if !open[id] {
			delete(n.muted, id)
		}
	}
}

// newsOf are the alerts a notice must carry: firings not yet announced and
// resolutions owed.
func newsOf(alerts []Alert, state map[int64]int) []Alert {
	var out []Alert
	for _, a := range alerts {
		if (a.Firing && state[a.IncidentID] == NotifyNone) || (!a.Firing && state[a.IncidentID] == NotifyFiring) {
			out = append(out, a)
		}
	}
	return out
}

// clock returns the group's clock. On the first tick after a start, a group
// with nothing new counts as just notified, so a restart does not repeat it.
func (n *Notifier) clock(key GroupKey, now time.Time, news bool) *groupClock {
	c := n.groups[key]
	if c == nil {
		c = &groupClock{}
		if !n.seeded && !news {
			c.sentAt = now
		}
		n.groups[key] = c
	}
	c.seenAt = now
	if news && c.seen.IsZero() {
		c.seen = now
	}
	return c
}

// due applies group_wait (first notice), group_interval (news since the last
// one) and repeat_interval (a reminder while something still fires).
func (c *groupClock) due(g *Group, news bool, now time.Time) (repeat, due bool) {
	r := g.Route
	switch {
	case news && c.sentAt.IsZero():
		return false, !now.Before(c.seen.Add(r.GroupWait))
	case news:
		return false, !now.Before(c.sentAt.Add(r.GroupInterval))
	case c.sentAt.IsZero():
		return false, false
	}
	firing := slices.ContainsFunc(g.Alerts, func(a Alert) bool { return a.Firing })
	return true, firing && !now.Before(c.sentAt.Add(r.RepeatInterval))
}

// dueAt is when the group's next notice falls due, for the wake-up timer.
func (c *groupClock) dueAt(g *Group, news bool) (time.Time, bool) {
	r := g.Route
	switch {
	case news && c.sentAt.IsZero():
		return c.seen.Add(r.GroupWait), true
	case news:
		return c.sentAt.Add(r.GroupInterval), true
	case c.sentAt.IsZero():
		return time.Time{}, false
	}
	return c.sentAt.Add(r.RepeatInterval), true
}

// noticeID is the outbox key of a group notice before the channel suffix:
// the same news in the same group always gets the same id, so a notice
// queued just before a crash is deduplicated by the outbox after the restart.
func noticeID(key GroupKey, news []Alert, repeat bool, now time.Time) string {
	h := sha256.New()
	h.Write([]byte(key))
	if repeat {
		return "r-" + hex.EncodeToString(h.Sum(nil)[:8]) + "-" + strconv.FormatInt(now.Unix(), 10)
	}
	parts := make([]string, len(news))
	for i, a := range news {
		parts[i] = strconv.FormatInt(a.IncidentID, 10) + map[bool]string{true: "f", false: "r"}[a.Firing]
	}
	slices.Sort(parts)
	h.Write([]byte(strings.Join(parts, ",")))
	return "n-" + hex.EncodeToString(h.Sum(nil)[:12])
}
