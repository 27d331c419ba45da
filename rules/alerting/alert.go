// Package alerting owns what happens to an alert after a rule fires: incidents
// (state store), routing, grouping, topology inhibition, silences, maintenance
// windows, escalation and the durable outbox that feeds the channels in
// rules/alerting/channels. This file holds the types every part shares.
package alerting

import "time"

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
	ID         string    `json:"id"`          // outbox key: incident + step + channel; receivers dedupe on it
	IncidentID int64     `json:"incident_id"` // 0 when not tied to an incident (tests)
	Step       int       `json:"step"`        // escalation step (0 first notice), or resolution
	Resolved   bool      `json:"resolved"`    // the incident is over (已恢复)
	Severity   Severity  `json:"severity"`
	Title      string    `json:"title"` // e.g. "【重要】灵宝市 链路中断"
	Text       string    `json:"text"`  // district, site, what is wrong, since when (Asia/Shanghai)
	URL        string    `json:"url"`   // the incident page
	AckURL     string    `json:"ack_url,omitempty"`
	Mentions   []string  `json:"mentions,omitempty"` // phone numbers / user ids of the people on duty
	Alerts     []Alert   `json:"alerts"`
	CreatedAt  time.Time `json:"created_at"`
}
