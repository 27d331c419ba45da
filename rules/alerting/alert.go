// Package alerting owns what happens to an alert after a rule fires:
// incidents (state store), routing, grouping, topology inhibition, silences,
// maintenance windows and the notifier that turns incidents into
// notifications. Its neighbours own the rest: rules/alerting/notice the
// values they all share, rules/alerting/outbox the durable queue in front of
// the channels, rules/alerting/oncall duty rosters and escalation policies,
// rules/alerting/channels the channels themselves.
package alerting

import "github.com/swanwatch/swanwatch/rules/alerting/notice"

// The shared values keep their names here, so the rest of the tree (rules,
// the wall, the web pages) speaks of alerting.Alert as before.
type (
	// Severity of an alert, in the glossary's four grades.
	Severity = notice.Severity
	// Alert is one alert as a rule (PromQL or event rule) reports it.
	Alert = notice.Alert
	// Notification is one message to one channel.
	Notification = notice.Notification
	// Recipient is one person a page addresses.
	Recipient = notice.Recipient
)

// The severities; the label `severity` carries one of them.
const (
	Critical = notice.Critical // 紧急
	Major    = notice.Major    // 重要
	Minor    = notice.Minor    // 次要
	Warning  = notice.Warning  // 提示
)
