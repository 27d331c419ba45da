package config

import (
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting"
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
	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// Alerting is where incidents are sent: receivers (each one or more
// channels), the routing tree, inhibition and maintenance windows.
type Alerting struct {
	Receivers    []Receiver                   `yaml:"receivers,omitempty"`
	Route        *alerting.Route              `yaml:"route,omitempty"`
	InhibitRules []alerting.InhibitRule       `yaml:"inhibit_rules,omitempty"`
	Maintenance  []alerting.MaintenanceWindow `yaml:"maintenance,omitempty"`
	// TopologyRoots are the alertnames whose firing on a node suppresses the
	// alerts of every node behind it (因上级故障抑制).
	TopologyRoots []string `yaml:"topology_roots,omitempty"`
	// On call (值班): duty rosters, escalation policies (routes name them in
	// `escalation`; steps name receivers in `channels`) and heightened-watch
	// periods (重保期).
	Rosters            []*oncall.Roster `yaml:"rosters,omitempty"`
	EscalationPolicies []*oncall.Policy `yaml:"escalation_policies,omitempty"`
	Watches            oncall.Watches   `yaml:"watches,omitempty"`
	// AckLinkTTL is how long a 确认 link in a message works; default 24h.
	AckLinkTTL time.Duration `yaml:"ack_link_ttl,omitempty"`
}

// Receiver is a named set of channels an alert group is sent to.
type Receiver struct {
	Name     string           `yaml:"name"`
	WeCom    *wecom.Config    `yaml:"wecom,omitempty"`
	DingTalk *dingtalk.Config `yaml:"dingtalk,omitempty"`
	Feishu   *feishu.Config   `yaml:"feishu,omitempty"`
	Webhook  *webhook.Config  `yaml:"webhook,omitempty"`
	SMS      *sms.Config      `yaml:"sms,omitempty"`
	// SMSReply is the SMS gateway's upstream callback (上行短信): a person's
	// reply "1" to a page acknowledges it (POST /hooks/sms/{receiver}).
	SMSReply     *sms.InboundConfig   `yaml:"sms_reply,omitempty"`
	Email        *email.Config        `yaml:"email,omitempty"`
	Alertmanager *alertmanager.Config `yaml:"alertmanager,omitempty"`
	// Person channels (docs/oncall.md): a page to each recipient's own account or phone.
	WeComApp     *wecomapp.Config  `yaml:"wecom_app,omitempty"`
	DingTalkWork *dingwork.Config  `yaml:"dingtalk_work,omitempty"`
	FeishuApp    *feishuapp.Config `yaml:"feishu_app,omitempty"`
	Voice        *voice.Config     `yaml:"voice,omitempty"`
}

// channelCount is how many channels a receiver has.
func (r Receiver) channelCount() int {
	n := 0
	for _, set := range []bool{r.WeCom != nil, r.DingTalk != nil, r.Feishu != nil, r.Webhook != nil,
		r.SMS != nil, r.Email != nil, r.Alertmanager != nil, r.WeComApp != nil, r.DingTalkWork != nil,
		r.FeishuApp != nil, r.Voice != nil} {
		if set {
			n++
		}
	}
	return n
}

func (a *Alerting) applyDefaults() {
	if a.TopologyRoots == nil {
		a.TopologyRoots = []string{"InterfaceDown", "WanLinkDown", "WanRedundancyDown", "SnmpTargetUnreachable",
			"HostFailure", "HypervisorHostDown"}
	}
	if a.AckLinkTTL == 0 {
		a.AckLinkTTL = 24 * time.Hour
	}
}

// alerting checks receivers, the route tree and the schedules.
func (c *collector) alerting(a *Alerting) {
	names := map[string]bool{}
	for i, r := range a.Receivers {
		path := fmt.Sprintf("alerting.receivers[%d]", i)
		c.uniqueName(path+".name", "receiver", r.Name, names)
		if r.channelCount() == 0 {
			c.at(path, "receiver %q has no channel (wecom, dingtalk, feishu, webhook, sms, email, alertmanager, wecom_app, dingtalk_work, feishu_app, voice)", r.Name)
		}
	}
	if a.Route != nil {
		if err := a.Route.Compile(); err != nil {
			c.at("alerting.route", "%v", err)
		}
		c.routeReceivers(a.Route, "alerting.route", names)
	}
	for i := range a.InhibitRules {
		if err := a.InhibitRules[i].Validate(); err != nil {
			c.at(fmt.Sprintf("alerting.inhibit_rules[%d]", i), "%v", err)
		}
	}
	for i := range a.Maintenance {
		if err := a.Maintenance[i].Compile(); err != nil {
			c.at(fmt.Sprintf("alerting.maintenance[%d]", i), "%v", err)
		}
	}
	c.oncall(a, names)
}

// routeReceivers checks that every route names a defined receiver.
func (c *collector) routeReceivers(r *alerting.Route, path string, names map[string]bool) {
	if r.Receiver != "" && !names[r.Receiver] {
		c.at(path+".receiver", "receiver %q is not defined in alerting.receivers", r.Receiver)
	}
	for i := range r.Routes {
		c.routeReceivers(&r.Routes[i], fmt.Sprintf("%s.routes[%d]", path, i), names)
	}
}
