package webhook

import (
	"strconv"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Payload is Alertmanager's webhook body, version 4
// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config),
// with SwanWatch's fields under a key Alertmanager does not use.
type Payload struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   int               `json:"truncatedAlerts"`
	Status            string            `json:"status"` // firing | resolved
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []Alert           `json:"alerts"`
	SwanWatch         Extra             `json:"swanwatch"`
}

// Alert is one alert in the payload.
type Alert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"` // zero (0001-01-01T00:00:00Z) while firing, as Alertmanager sends
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Extra is what only SwanWatch knows: the incident, the escalation step and
// the rendered Chinese message.
type Extra struct {
	ID         string          `json:"id"`
	IncidentID int64           `json:"incident_id"`
	Step       int             `json:"step"`
	Severity   notice.Severity `json:"severity"`
	URL        string          `json:"url,omitempty"`
	AckURL     string          `json:"ack_url,omitempty"`
	Title      string          `json:"title"`
	Text       string          `json:"text"`
}

// groupLabelNames are the labels SwanWatch groups incidents by.
var groupLabelNames = []string{"alertname", "district", "site"}

func (s *Sender) payload(n notice.Notification) Payload {
	alerts := n.Alerts
	truncated := 0
	if s.cfg.MaxAlerts > 0 && len(alerts) > s.cfg.MaxAlerts {
		alerts, truncated = alerts[:s.cfg.MaxAlerts], len(alerts)-s.cfg.MaxAlerts
	}
	common := commonLabels(n.Alerts)
	return Payload{
		Version: "4", GroupKey: "{}:{incident=\"" + strconv.FormatInt(n.IncidentID, 10) + "\"}",
		TruncatedAlerts: truncated, Status: status(!n.Resolved), Receiver: s.cfg.Receiver,
		GroupLabels: pick(common, groupLabelNames), CommonLabels: common,
		CommonAnnotations: commonAnnotations(n.Alerts), ExternalURL: s.cfg.ExternalURL,
		Alerts: convert(alerts),
		SwanWatch: Extra{ID: n.ID, IncidentID: n.IncidentID, Step: n.Step, Severity: n.Severity,
			URL: n.URL, AckURL: n.AckURL, Title: n.Title, Text: n.Text},
	}
}

func status(firing bool) string {
	if firing {
		return "firing"
	}
	return "resolved"
}

func convert(in []notice.Alert) []Alert {
	out := make([]Alert, 0, len(in))
	for _, a := range in {
		out = append(out, Alert{
			Status: status(a.Firing), Labels: orEmpty(a.Labels), Annotations: orEmpty(a.Annotations),
			StartsAt: a.StartsAt, EndsAt: a.EndsAt, GeneratorURL: a.GeneratorURL, Fingerprint: a.Fingerprint,
		})
	}
	return out
}

func commonLabels(as []notice.Alert) map[string]string {
	return common(as, func(a notice.Alert) map[string]string { return a.Labels })
}

func commonAnnotations(as []notice.Alert) map[string]string {
	return common(as, func(a notice.Alert) map[string]string { return a.Annotations })
}

// common returns the pairs every alert shares; Alertmanager sends {} rather
// than null when there are none.
func common(as []notice.Alert, get func(notice.Alert) map[string]string) map[string]string {
	out := map[string]string{}
	if len(as) == 0 {
		return out
	}
	for k, v := range get(as[0]) {
		out[k] = v
	}
	for _, a := range as[1:] {
		m := get(a)
		for k, v := range out {
			if w, ok := m[k]; !ok || w != v {
				delete(out, k)
			}
		}
	}
	return out
}

func pick(m map[string]string, names []string) map[string]string {
	out := map[string]string{}
	for _, k := range names {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
