package cloudapi

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// defaultSince is how far back "recent" reaches without a since parameter.
const defaultSince = 7 * 24 * time.Hour

// Alert is one incident of the cloud as the API shows it.
type Alert struct {
	ID           int64             `json:"id"`
	Alertname    string            `json:"alertname"`
	Severity     string            `json:"severity"`
	Status       string            `json:"status"` // open | resolved
	Summary      string            `json:"summary"`
	Description  string            `json:"description"`
	Requirement  string            `json:"requirement"`
	System       string            `json:"system"`
	Dept         string            `json:"dept"`
	Instance     string            `json:"instance"`
	StartedAt    time.Time         `json:"started_at"`
	LastSeenAt   time.Time         `json:"last_seen_at"`
	ResolvedAt   *time.Time        `json:"resolved_at"`
	Acknowledged bool              `json:"acknowledged"`
	AckedAt      *time.Time        `json:"acknowledged_at"`
	Labels       map[string]string `json:"labels"`
}

// AlertPage is the answer of GET /api/cloud/v1/alerts.
type AlertPage struct {
	Since         time.Time `json:"since"`
	Alerts        []Alert   `json:"alerts"`
	NextPageToken string    `json:"next_page_token"`
}

// maxIncidents bounds the incidents one request reads from the store
// (the store's own limit).
const maxIncidents = 10000

var severities = []string{string(alerting.Critical), string(alerting.Major), string(alerting.Minor), string(alerting.Warning)}

// Alerts answers GET /api/cloud/v1/alerts (supervisor): the cloud's open
// incidents, whenever they started, and those that started since `since`
// (default 7 days), newest first; filters severity and system; paged.
func (a *API) Alerts() http.Handler {
	return a.handle("alerts", []string{"since", "severity", "system", "page_size", "page_token"}, a.alerts)
}

func (a *API) alerts(r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	now := a.opts.Now()
	since := now.Add(-defaultSince)
	if s := q.Get("since"); s != "" {
		var e *apiError
		if since, e = parseInstant("since", s, now); e != nil {
			return nil, e
		}
	}
	sev := q.Get("severity")
	if sev != "" && !slices.Contains(severities, sev) {
		return nil, invalid("severity 应为 %s 之一，收到 %q", strings.Join(severities, "、"), clip(sev))
	}
	size, e := parsePageSize(q.Get("page_size"))
	if e != nil {
		return nil, e
	}
	hash := queryHash("alerts", since.UTC().Format(time.RFC3339Nano), sev, q.Get("system"))
	after, e := decodeToken(q.Get("page_token"), hash)
	if e != nil {
		return nil, e
	}
	labels := map[string]string{}
	if sev != "" {
		labels["severity"] = sev
	}
	if s := q.Get("system"); s != "" {
		labels["system"] = s
	}
	all, err := a.cloudIncidents(r, since, labels)
	if err != nil {
		return nil, internal("list incidents", err)
	}
	items, next := page(all, alertKey, after, size, hash)
	return AlertPage{Since: since, Alerts: nonNil(items), NextPageToken: next}, nil
}

// cloudIncidents: the open ones and those since, of the cloud, newest first.
func (a *API) cloudIncidents(r *http.Request, since time.Time, labels map[string]string) ([]Alert, error) {
	open, err := a.opts.Incidents.List(r.Context(), alerting.IncidentFilter{OpenOnly: true, Labels: labels,
		Limit: maxIncidents, NewestFirst: true})
	if err != nil {
		return nil, err
	}
	recent, err := a.opts.Incidents.List(r.Context(), alerting.IncidentFilter{Since: since, Labels: labels,
		Limit: maxIncidents, NewestFirst: true})
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var out []Alert
	for _, inc := range append(open, recent...) {
		if seen[inc.ID] || !a.isCloud(inc.Labels) {
			continue
		}
		seen[inc.ID] = true
		out = append(out, alertOf(inc))
	}
	slices.SortFunc(out, func(x, y Alert) int { return strings.Compare(alertKey(x), alertKey(y)) })
	return out, nil
}

// isCloud: an incident of a lot A requirement (R-A…), or of a cloud kind.
func (a *API) isCloud(labels map[string]string) bool {
	if strings.HasPrefix(labels["requirement"], "R-A") {
		return true
	}
	return labels["kind"] != "" && slices.Contains(a.opts.CloudKinds, labels["kind"])
}

// alertKey sorts newest first (then the higher id first) as ascending strings.
func alertKey(x Alert) string {
	return fmt.Sprintf("%016x.%016x", math.MaxInt64-x.StartedAt.UnixMilli(), math.MaxInt64-x.ID)
}

func alertOf(inc alerting.Incident) Alert {
	l := inc.Labels
	out := Alert{
		ID: inc.ID, Alertname: inc.Alertname, Severity: string(inc.Severity), Status: "open",
		Summary: inc.Annotations["summary"], Description: inc.Annotations["description"],
		Requirement: l["requirement"], System: l["system"], Dept: l["dept"], Instance: l["instance"],
		StartedAt: inc.FirstFired, LastSeenAt: inc.LastSeen, Acknowledged: !inc.AckedAt.IsZero(),
		Labels: l,
	}
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	if !inc.Open() {
		out.Status = "resolved"
		t := inc.ResolvedAt
		out.ResolvedAt = &t
	}
	if !inc.AckedAt.IsZero() {
		t := inc.AckedAt
		out.AckedAt = &t
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
