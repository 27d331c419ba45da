package alerting

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// IncidentFilter selects incidents for the list API and the SLA figures.
type IncidentFilter struct {
	OpenOnly    bool
	Since       time.Time         // first fired at or after; zero: no bound
	Until       time.Time         // first fired before; zero: no bound
	Labels      map[string]string // equality on labels (district, system, severity, ...)
	Limit       int               // default 500, at most 10,000
	NewestFirst bool
}

// List returns the incidents that match f.
func (s *Incidents) List(ctx context.Context, f IncidentFilter) ([]Incident, error) {
	q := `SELECT ` + incidentCols + ` FROM incidents WHERE first_fired >= ? AND first_fired < ?`
	until := int64(1<<62 - 1)
	if !f.Until.IsZero() {
		until = f.Until.UnixMilli()
	}
	if f.OpenOnly {
		q += ` AND resolved_at = 0`
	}
	order := " ORDER BY first_fired, id"
	if f.NewestFirst {
		order = " ORDER BY first_fired DESC, id DESC"
	}
	rows, err := s.db.QueryContext(ctx, q+order, f.Since.UnixMilli(), until)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	limit := clampLimit(f.Limit)
	var out []Incident
	for rows.Next() && len(out) < limit {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		if labelsMatch(inc.Labels, f.Labels) {
			out = append(out, inc)
		}
	}
	return out, rows.Err()
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 500
	case n > 10000:
		return 10000
	}
	return n
}

func labelsMatch(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// ResponseStats are MTTA and MTTR over a set of incidents (平均响应时长 / 平均修复时长).
type ResponseStats struct {
	Key        string           `json:"key"` // the label value grouped by ("" for all)
	Count      int              `json:"count"`
	Acked      int              `json:"acked"`
	Resolved   int              `json:"resolved"`
	MTTA       time.Duration    `json:"mtta"` // mean over acknowledged incidents
	MTTR       time.Duration    `json:"mttr"` // mean over resolved incidents
	BySeverity map[Severity]int `json:"by_severity"`
}

// Aggregate groups incidents by a label (district, system, severity ...; ""
// for one total) and computes MTTA and MTTR of each group, sorted by key.
func Aggregate(incidents []Incident, by string) []ResponseStats {
	groups := map[string]*ResponseStats{}
	sums := map[string][2]time.Duration{}
	for _, inc := range incidents {
		key := inc.Labels[by]
		if by == "" {
			key = ""
		}
		g := groups[key]
		if g == nil {
			g = &ResponseStats{Key: key, BySeverity: map[Severity]int{}}
			groups[key] = g
		}
		g.Count++
		g.BySeverity[inc.Severity]++
		s := sums[key]
		if d, ok := inc.MTTA(); ok {
			g.Acked++
			s[0] += d
		}
		if d, ok := inc.MTTR(); ok {
			g.Resolved++
			s[1] += d
		}
		sums[key] = s
	}
	return finishStats(groups, sums)
}

func finishStats(groups map[string]*ResponseStats, sums map[string][2]time.Duration) []ResponseStats {
	out := make([]ResponseStats, 0, len(groups))
	for key, g := range groups {
		if g.Acked > 0 {
			g.MTTA = sums[key][0] / time.Duration(g.Acked)
		}
		if g.Resolved > 0 {
			g.MTTR = sums[key][1] / time.Duration(g.Resolved)
		}
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
