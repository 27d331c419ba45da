// Package notice holds the values every part of alerting passes along: the
// Severity of an alert, the Alert a rule reports and the Notification a
// channel sends. It is a leaf, so the notifier (rules/alerting), the durable
// outbox, on-call escalation and the channels can all share these types
// without importing one another.
package notice

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Severity of an alert, in the glossary's four grades.
type Severity string

// The severities; the label `severity` carries one of them.
const (
	Critical Severity = "critical" // 紧急
	Major    Severity = "major"    // 重要
	Minor    Severity = "minor"    // 次要
	Warning  Severity = "warning"  // 提示
)

// Name is the glossary's word for the severity.
func (s Severity) Name() string {
	switch s {
	case Critical:
		return "紧急"
	case Major:
		return "重要"
	case Minor:
		return "次要"
	case Warning:
		return "提示"
	}
	return string(s)
}

// Rank orders the severities from warning (1) to critical (4); an unknown
// severity ranks 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case Major:
		return 3
	case Minor:
		return 2
	case Warning:
		return 1
	}
	return 0
}

// Alert is one alert as a rule (PromQL or event rule) reports it.
type Alert struct {
	Fingerprint  string            `json:"fingerprint"` // stable hash of Labels
	Labels       map[string]string `json:"labels"`      // alertname, severity, district, site, instance, requirement, ...
	Annotations  map[string]string `json:"annotations"` // summary, description (Chinese)
	Firing       bool              `json:"firing"`
	StartsAt     time.Time         `json:"starts_at"`
	EndsAt       time.Time         `json:"ends_at,omitempty"` // zero while firing
	GeneratorURL string            `json:"generator_url,omitempty"`
	IncidentID   int64             `json:"incident_id,omitempty"` // set once the alert is an incident
}

// Notification is one message to one channel: what the outbox stores and a
// channel sends. Title and Text are already rendered in Chinese.
type Notification struct {
	ID         string   `json:"id"`          // outbox key: incident + step + channel; receivers dedupe on it
	IncidentID int64    `json:"incident_id"` // 0 when not tied to an incident (tests)
	Step       int      `json:"step"`        // escalation step (0 first notice), or resolution
	Resolved   bool     `json:"resolved"`    // the incident is over (已恢复)
	Severity   Severity `json:"severity"`
	Title      string   `json:"title"` // e.g. "【重要】灵宝市 链路中断"
	Text       string   `json:"text"`  // district, site, what is wrong, since when (Asia/Shanghai)
	URL        string   `json:"url"`   // the incident page
	AckURL     string   `json:"ack_url,omitempty"`
	Mentions   []string `json:"mentions,omitempty"` // phone numbers / user ids of the people on duty
	// Recipients are the people an escalation page is for, each with every
	// address the roster knows: person channels (WeCom and DingTalk
	// application messages, Feishu personal messages, voice, SMS) send to
	// each recipient the address they need, and skip one who has none.
	Recipients []Recipient `json:"recipients,omitempty"`
	Alerts     []Alert     `json:"alerts"`
	CreatedAt  time.Time   `json:"created_at"`
}

// IncidentIDs are the incidents the notification carries news of, each once,
// in the order of its alerts: the timelines a delivery is written on.
func (n Notification) IncidentIDs() []int64 {
	ids := make([]int64, 0, len(n.Alerts))
	for _, a := range n.Alerts {
		if a.IncidentID != 0 && !slices.Contains(ids, a.IncidentID) {
			ids = append(ids, a.IncidentID)
		}
	}
	return ids
}

// Recipient is one person paged, as the roster addresses them. AckURL is the
// person's own signed link to the incident page: what they do there is
// recorded under their name. Call is set by the notifier for voice: an
// opaque, signed reference the voice gateway echoes in its call report so the
// report finds the incident and the person without any state.
type Recipient struct {
	Name     string `json:"name"`
	Phone    string `json:"phone,omitempty"`
	WeCom    string `json:"wecom,omitempty"`    // WeCom userid (企业微信账号)
	DingTalk string `json:"dingtalk,omitempty"` // DingTalk userid
	Feishu   string `json:"feishu,omitempty"`   // Feishu open_id (ou_…)
	AckURL   string `json:"ack_url,omitempty"`
	Call     string `json:"call,omitempty"`
}

// Stage names the incident and what this message is in its life, e.g.
// "事件 #7 · 第2次升级 · 级别：重要": person channels put it first, so every
// page of an incident reads differently (DingTalk refuses the same content
// to the same person twice a day). A notification with recipients is an
// escalation page: Step 0 is the first (第1次升级), as the page's own text says.
func (n Notification) Stage() string {
	var parts []string
	if n.IncidentID != 0 {
		parts = append(parts, fmt.Sprintf("事件 #%d", n.IncidentID))
	}
	switch {
	case n.Resolved:
		parts = append(parts, "已恢复")
	case len(n.Recipients) > 0:
		parts = append(parts, fmt.Sprintf("第%d次升级", n.Step+1))
	default:
		parts = append(parts, "告警通知")
	}
	if n.Severity != "" {
		parts = append(parts, "级别："+n.Severity.Name())
	}
	return strings.Join(parts, " · ")
}
