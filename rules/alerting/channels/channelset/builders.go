package channelset

import (
	"log/slog"
	"net/http"

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

// builder makes one channel's sender from settings, the value Keep compares.
type builder struct {
	settings any
	build    func(*http.Client, *slog.Logger) (channels.Sender, error)
}

// builders lists the channels a receiver configures, by kind.
func builders(r Receiver, externalURL string) map[string]builder {
	out := map[string]builder{}
	if c := r.WeCom; c != nil {
		out["wecom"] = builder{*c, func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return wecom.New(*c, h, l) }}
	}
	if c := r.DingTalk; c != nil {
		out["dingtalk"] = builder{*c, func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return dingtalk.New(*c, h, l) }}
	}
	if c := r.Feishu; c != nil {
		out["feishu"] = builder{*c, func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return feishu.New(*c, h, l) }}
	}
	if c := r.Webhook; c != nil {
		wc := *c
		if wc.Receiver == "" {
			wc.Receiver = r.Name
		}
		if wc.ExternalURL == "" {
			wc.ExternalURL = externalURL
		}
		out["webhook"] = builder{wc, func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return webhook.New(wc, h, l) }}
	}
	if c := r.SMS; c != nil {
		out["sms"] = builder{*c, func(_ *http.Client, l *slog.Logger) (channels.Sender, error) { return sms.New(*c, l) }}
	}
	if c := r.Email; c != nil {
		out["email"] = builder{*c, func(_ *http.Client, l *slog.Logger) (channels.Sender, error) { return email.New(*c, l) }}
	}
	if c := r.Alertmanager; c != nil {
		out["alertmanager"] = builder{*c, func(_ *http.Client, l *slog.Logger) (channels.Sender, error) { return alertmanager.New(*c, l) }}
	}
	personChannels(r, out)
	return out
}

// personChannels adds the channels that page each recipient's own account
// or phone (docs/oncall.md).
func personChannels(r Receiver, out map[string]builder) {
	if c := r.WeComApp; c != nil {
		out["wecom_app"] = builder{*c, func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return wecomapp.New(*c, h, l) }}
	}
	if c := r.DingTalkWork; c != nil {
		out["dingtalk_work"] = builder{*c, func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return dingwork.New(*c, h, l) }}
	}
	if c := r.FeishuApp; c != nil {
		out["feishu_app"] = builder{*c, func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return feishuapp.New(*c, h, l) }}
	}
	if c := r.Voice; c != nil {
		out["voice"] = builder{*c, func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return voice.New(*c, h, l) }}
	}
}
