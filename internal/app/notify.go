package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

// notifying holds the parts between an incident and a phone: channels,
// outbox, silences, 确认 links and the notifier.
type notifying struct {
	channels Channels
	outbox   *alerting.Outbox
	silences *alerting.Silences
	links    *alerting.AckLinks
	notifier *alerting.Notifier
	mu       sync.Mutex                                 // orders the notifier updates of the inventory watcher and the reloader
	topo     atomic.Pointer[alerting.TopologyInhibitor] // of the current inventory
}

// ackKeyFile keeps the 确认 link key next to the state database, so links
// in messages sent before a restart still work after it.
func ackKeyFile(dir string) string { return filepath.Join(dir, "ack-link.key") }

func (s *system) openNotifier() error {
	var err error
	n := &s.notify
	if n.channels, err = BuildChannels(s.config(), s.logger); err != nil {
		return err
	}
	for _, chs := range n.channels.Receivers {
		slices.Sort(chs)
	}
	n.silences = alerting.NewSilences(s.state, nil)
	n.outbox = alerting.NewOutbox(s.state, n.channels.Senders, alerting.OutboxOptions{
		Logger: s.logger.With("part", "outbox"), IsPermanent: channels.IsPermanent, OnResult: s.onDelivery})
	key, err := alerting.LoadAckKey(ackKeyFile(s.config().Storage.Path))
	if err != nil {
		return err
	}
	if n.links, err = alerting.NewAckLinks(key, s.config().Alerting.AckLinkTTL, nil); err != nil {
		return err
	}
	n.notifier = alerting.NewNotifier(alerting.NotifierOptions{Incidents: s.incidents, Outbox: n.outbox,
		Silences: n.silences.Active, AckLinks: n.links, ExternalURL: s.config().Server.ExternalURL,
		Logger: s.logger.With("part", "notifier")}, s.notifyConfig())
	s.logger.Info("notifications", "receivers", len(n.channels.Receivers), "channels", len(n.channels.Senders),
		"escalation_policies", len(s.config().Alerting.EscalationPolicies))
	if s.config().Alerting.Route == nil {
		s.logger.Warn("alerting.route is not set: incidents are recorded and shown, nobody is notified")
	}
	return nil
}

// notifyConfig is the notifier's view of the configuration and inventory.
func (s *system) notifyConfig() alerting.NotifyConfig {
	a := s.config().Alerting
	cfg := alerting.NotifyConfig{Route: a.Route, Receivers: s.notify.channels.Receivers, Topology: s.notify.topo.Load(),
		InhibitRules: append(builtinInhibitRules(), a.InhibitRules...), Maintenance: a.Maintenance, Watches: a.Watches,
		Policies: map[string]*alerting.Policy{}}
	for _, p := range a.EscalationPolicies {
		cfg.Policies[p.Name] = p
	}
	if len(a.Rosters) > 0 || len(a.EscalationPolicies) > 0 {
		dir, err := alerting.NewDirectory(a.Rosters...)
		if err != nil { // config validation makes this unreachable; keep paging the channels anyway
			s.logger.Error("duty rosters unusable; escalation is off", "err", err)
			cfg.Policies = nil
		}
		cfg.Directory = dir
	}
	return cfg
}

// inventoryTopology rebuilds topology inhibition from a new inventory.
func (s *system) inventoryTopology(targets []inventory.Target) {
	s.notify.topo.Store(s.topologyInhibitor(targets))
	s.updateNotifier()
}

// onDelivery writes the outcome of a delivery on every incident it carried:
// "notified" when it arrived, "notify_failed" when the outbox gave up.
func (s *system) onDelivery(n alerting.Notification, channel string, err error, final bool) {
	if err != nil && !final {
		return // a retry is coming; the outbox metrics count the attempt
	}
	ids := make([]int64, 0, len(n.Alerts))
	for _, a := range n.Alerts {
		if a.IncidentID != 0 {
			ids = append(ids, a.IncidentID)
		}
	}
	kind, detail := "notified", fmt.Sprintf("已发送至 %s：%s", channel, n.Title)
	if err != nil {
		kind, detail = "notify_failed", fmt.Sprintf("发送至 %s 失败，已放弃重试：%v", channel, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.incidents.NoteMany(ctx, ids, kind, "system", detail); err != nil {
		incidentErrors.Inc()
		s.logger.Error("record delivery on incidents", "channel", channel, "err", err)
	}
}

// updateNotifier hands the notifier the current configuration and topology.
// The lock only orders the updates of the inventory watcher and the
// reloader, so that the last one to run is the last one applied.
func (s *system) updateNotifier() {
	s.notify.mu.Lock()
	defer s.notify.mu.Unlock()
	s.notify.notifier.Update(s.notifyConfig())
}

// builtinInhibitRules keep one fault from paging twice: the linkDown trap
// (InterfaceDown, at once) and the polled confirmation two minutes later
// (WanLinkDown) are the same broken link.
func builtinInhibitRules() []alerting.InhibitRule {
	src, _ := alerting.ParseMatchers(`{alertname="InterfaceDown"}`) // constant, valid
	dst, _ := alerting.ParseMatchers(`{alertname="WanLinkDown"}`)
	return []alerting.InhibitRule{{Source: src, Target: dst, Equal: []string{"link"}}}
}
