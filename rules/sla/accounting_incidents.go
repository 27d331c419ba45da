package sla

import (
	"context"
	"errors"
	"fmt"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// incidentPage is the incident store's largest page.
const incidentPage = 10000

// Incidents lists every incident that fired in month (CST), oldest first,
// as the ledger freezes them and the report counts them.
func (a *Accounting) Incidents(ctx context.Context, month string) ([]IncidentRecord, error) {
	from, to, err := MonthBounds(month)
	if err != nil {
		return nil, err
	}
	var out []IncidentRecord
	seen := map[int64]bool{}
	for since := from; ; {
		page, err := a.incidents.List(ctx, alerting.IncidentFilter{Since: since, Until: to, Limit: incidentPage})
		if err != nil {
			return nil, fmt.Errorf("incidents of %s: %w", month, err)
		}
		for _, inc := range page {
			if !seen[inc.ID] {
				seen[inc.ID] = true
				out = append(out, incidentRecord(inc))
			}
		}
		if len(page) < incidentPage {
			return out, nil
		}
		// The next page starts at the last page's last millisecond (ties are
		// deduplicated); a page all in one millisecond cannot move on.
		last := page[len(page)-1].FirstFired
		if !last.After(since) {
			return nil, errors.New("incidents of " + month + ": more than 10,000 in one millisecond")
		}
		since = last
	}
}

func incidentRecord(inc alerting.Incident) IncidentRecord {
	return IncidentRecord{ID: inc.ID, Alertname: inc.Alertname, Severity: string(inc.Severity),
		Title: inc.Annotations["summary"], Labels: inc.Labels, FirstFired: inc.FirstFired,
		AckedBy: inc.AckedBy, AckedAt: inc.AckedAt, ResolvedAt: inc.ResolvedAt, SuppressedBy: inc.SuppressedBy}
}
