package app

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/channelset"
	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
	"github.com/swanwatch/swanwatch/rules/alerting/outbox"
)

// notifying holds the parts between an incident and a phone: channels,
// outbox, silences, 确认 links and the notifier.
type notifying struct {
	channels atomic.Pointer[channelset.Set] // the running channels, swapped on reload
	outbox   *outbox.Outbox
	silences *alerting.Silences
	links    *alerting.AckLinks
	notifier *alerting.Notifier
	mu       sync.Mutex                                 // orders the notifier updates of the inventory watcher and the reloader
	topo     atomic.Pointer[alerting.TopologyInhibitor] // of the current inventory
	replies  smsReplies                                 // the SMS gateways' upstream callbacks
}

// receivers maps each running receiver to its channel names.
func (n *notifying) receivers() map[string][]string { return n.channels.Load().Receivers }

// ackKeyFile keeps the 确认 link key next to the state database, so links
// in messages sent before a restart still work after it.
func ackKeyFile(dir string) string { return filepath.Join(dir, "ack-link.key") }

func (s *system) openNotifier() error {
	n := &s.notify
	set, err := BuildChannels(s.config(), s.logger)
	if err != nil {
		return err
	}
	n.channels.Store(&set)
	n.silences = alerting.NewSilences(s.state, nil)
	n.replies.s = s
	// The journal writes every attempt on the incidents' timelines, in the
	// outbox's transaction: a POST repeated after a crash shows twice.
	n.outbox = outbox.New(s.state, set.Senders, outbox.Options{Logger: s.logger.With("part", "outbox"),
		IsPermanent: channels.IsPermanent, Journal: s.incidents.Deliveries()})
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
	s.logger.Info("notifications", "receivers", len(set.Receivers), "channels", len(set.Senders),
		"escalation_policies", len(s.config().Alerting.EscalationPolicies))
	if s.config().Alerting.Route == nil {
		s.logger.Warn("alerting.route is not set: incidents are recorded and shown, nobody is notified")
	}
	return nil
}

// notifyConfig is the notifier's view of the configuration and inventory.
func (s *system) notifyConfig() alerting.NotifyConfig {
	a := s.config().Alerting
	cfg := alerting.NotifyConfig{Route: a.Route, Receivers: s.notify.receivers(), Topology: s.notify.topo.Load(),
		InhibitRules: append(alerting.BuiltinInhibitRules(), a.InhibitRules...), Maintenance: a.Maintenance, Watches: a.Watches,
		Policies: map[string]*oncall.Policy{}}
	for _, p := range a.EscalationPolicies {
		cfg.Policies[p.Name] = p
	}
	if len(a.Rosters) > 0 || len(a.EscalationPolicies) > 0 {
		dir, err := oncall.NewDirectory(a.Rosters...)
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

// reloadReceivers makes cur's receivers the running ones without a restart:
// a channel whose settings changed (a new address, or only a new secret:
// compared by value, not by the masked JSON) gets a new sender, a removed one
// stops after its send in flight, a new one starts; the queued notifications
// stay in the outbox and go out with the new senders. Links in the messages
// keep the running server address (server is restart-only), so old's is used.
// On error the running channels stay as they are.
func (s *system) reloadReceivers(old, cur *config.Config) error {
	next, err := channelset.Build(receiversOf(cur), old.Server.ExternalURL, s.logger)
	if err != nil {
		return fmt.Errorf("build the reloaded alerting.receivers: %w", err)
	}
	changes := next.Keep(*s.notify.channels.Load())
	if changes.None() {
		return nil
	}
	s.notify.outbox.SetSenders(outbox.Senders(next.Senders))
	s.notify.channels.Store(&next)
	s.logger.Info("notification channels reloaded", "added", changes.Added, "changed", changes.Changed,
		"removed", changes.Removed)
	return nil
}

// updateNotifier hands the notifier the current configuration and topology.
// The lock only orders the updates of the inventory watcher and the
// reloader, so that the last one to run is the last one applied.
func (s *system) updateNotifier() {
	s.notify.mu.Lock()
	defer s.notify.mu.Unlock()
	s.notify.notifier.Update(s.notifyConfig())
}
