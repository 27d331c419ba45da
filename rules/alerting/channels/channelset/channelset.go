// Package channelset builds the notification channels of the configured
// receivers — one sender per receiver and kind, named "receiver/kind" (e.g.
// "duty/wecom"), so a slow robot never holds up the SMS gateway of the same
// receiver — and, on a reload, tells which channels' settings changed,
// comparing secrets by their values, so that only those get a new sender.
package channelset

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/alertmanager"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/dingtalk"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/dingwork"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/email"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/feishu"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/feishuapp"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/sms"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/voice"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/wecom"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/wecomapp"
)

// Receiver is a named set of channel settings. It has the fields of the
// configuration's receiver, which converts to it, so that the channels never
// import the configuration package.
type Receiver struct {
	Name         string
	WeCom        *wecom.Config
	DingTalk     *dingtalk.Config
	Feishu       *feishu.Config
	Webhook      *webhook.Config
	SMS          *sms.Config
	SMSReply     *sms.InboundConfig // not a sender: the app mounts its callback
	Email        *email.Config
	Alertmanager *alertmanager.Config
	WeComApp     *wecomapp.Config
	DingTalkWork *dingwork.Config
	FeishuApp    *feishuapp.Config
	Voice        *voice.Config
}

// Set is the channels of a configuration.
type Set struct {
	Senders   map[string]channels.Sender
	Receivers map[string][]string // receiver → its channel names, sorted
	settings  map[string]any      // channel → the settings its sender was built from
}

// Build makes the senders of receivers; externalURL is SwanWatch's own
// address for the webhook payload's links. The error lists every receiver
// whose channel settings are unusable.
func Build(receivers []Receiver, externalURL string, logger *slog.Logger) (Set, error) {
	out := Set{Senders: map[string]channels.Sender{}, Receivers: map[string][]string{}, settings: map[string]any{}}
	// Robots and webhooks share one client; each Send is bounded by the
	// outbox's per-send timeout through its context.
	client := &http.Client{Timeout: 30 * time.Second}
	var errs []error
	for _, r := range receivers {
		for kind, b := range builders(r, externalURL) {
			name := r.Name + "/" + kind
			s, err := b.build(client, logger.With("channel", name))
			if err != nil {
				errs = append(errs, fmt.Errorf("alerting receiver %q: %w", r.Name, err))
				continue
			}
			out.Senders[name], out.settings[name] = s, b.settings
			out.Receivers[r.Name] = append(out.Receivers[r.Name], name)
		}
	}
	for _, chs := range out.Receivers {
		slices.Sort(chs)
	}
	return out, errors.Join(errs...)
}

// Changes are the channel names a reload added, changed and removed.
type Changes struct {
	Added, Changed, Removed []string
}

// Keep takes over the running sender of every channel whose settings are
// unchanged, so that only a changed channel (a new address, or only a new
// secret) gets a new sender, and reports what changed. Settings are compared
// by value, secrets included: their masked JSON form would hide a new token.
func (s Set) Keep(running Set) Changes {
	var c Changes
	for _, name := range slices.Sorted(maps.Keys(s.Senders)) {
		old, ok := running.settings[name]
		switch {
		case !ok:
			c.Added = append(c.Added, name)
		case reflect.DeepEqual(old, s.settings[name]):
			s.Senders[name] = running.Senders[name]
		default:
			c.Changed = append(c.Changed, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(running.Senders)) {
		if _, ok := s.Senders[name]; !ok {
			c.Removed = append(c.Removed, name)
		}
	}
	return c
}

// None reports whether nothing changed.
func (c Changes) None() bool { return len(c.Added)+len(c.Changed)+len(c.Removed) == 0 }
