package eval

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// maxIncidents bounds one read of the incident store (its own ceiling).
const maxIncidents = 10000

// severities in the order the wall lists them.
var severities = []alerting.Severity{alerting.Critical, alerting.Major, alerting.Minor, alerting.Warning}

// openIncidents are the open incidents, newest first, read once per round.
func (r *evalRound) openIncidents() ([]alerting.Incident, error) {
	v, err := r.once("incidents:open", func(ctx context.Context) (any, error) {
		return r.e.opts.Incidents.List(ctx, alerting.IncidentFilter{OpenOnly: true, NewestFirst: true,
			Limit: maxIncidents})
	})
	if err != nil {
		return nil, fmt.Errorf("list open incidents: %w", err)
	}
	return v.([]alerting.Incident), nil
}

// todaysIncidents are those first fired since midnight in Asia/Shanghai.
func (r *evalRound) todaysIncidents() ([]alerting.Incident, error) {
	v, err := r.once("incidents:today", func(ctx context.Context) (any, error) {
		t := r.at.In(cst.Location)
		midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst.Location)
		return r.e.opts.Incidents.List(ctx, alerting.IncidentFilter{Since: midnight, Limit: maxIncidents})
	})
	if err != nil {
		return nil, fmt.Errorf("list today's incidents: %w", err)
	}
	return v.([]alerting.Incident), nil
}

// board lists open incidents newest first; one held back under a root that
// is itself on the board (因上级故障抑制) is folded into the root's Held
// count rather than taking a line of its own.
func (r *evalRound) board(p *scene.Panel) (scene.BoardData, error) {
	incs, err := r.openIncidents()
	if err != nil {
		return scene.BoardData{}, err
	}
	limit := p.Limit
	if limit == 0 {
		limit = defaultBoardLimit
	}
	held := map[int64]int{}
	shown := map[int64]bool{}
	for _, inc := range incs {
		shown[inc.ID] = true
	}
	for _, inc := range incs {
		if inc.SuppressedBy != 0 && shown[inc.SuppressedBy] {
			held[inc.SuppressedBy]++
		}
	}
	out := scene.BoardData{Rows: []scene.BoardRow{}}
	for _, inc := range incs {
		if len(out.Rows) == limit {
			break
		}
		if inc.SuppressedBy == 0 || !shown[inc.SuppressedBy] {
			out.Rows = append(out.Rows, boardRow(inc, held[inc.ID]))
		}
	}
	return out, nil
}

func boardRow(inc alerting.Incident, held int) scene.BoardRow {
	title := inc.Annotations["summary"]
	if title == "" {
		title = inc.Alertname
	}
	return scene.BoardRow{ID: inc.ID, Severity: string(inc.Severity), SeverityName: inc.Severity.Name(),
		Title: title, District: inc.Labels["district"], Object: incidentObject(inc.Labels),
		Since: inc.FirstFired, AckedBy: inc.AckedBy, Held: held}
}

// incidentObject names what the incident is about, most specific first.
func incidentObject(l map[string]string) string {
	for _, k := range []string{"instance", "link", "group", "device", "site", "system"} {
		if l[k] != "" {
			return l[k]
		}
	}
	return ""
}

// incidentStats is a KPI of the incident store: open incidents by severity,
// or today's MTTA or MTTR in seconds (null until one was acknowledged or
// resolved today).
func (r *evalRound) incidentStats(p *scene.Panel) (scene.KPIData, error) {
	if p.Label == scene.StatMTTA || p.Label == scene.StatMTTR {
		return r.responseStat(p)
	}
	incs, err := r.openIncidents()
	if err != nil {
		return scene.KPIData{}, err
	}
	count := map[alerting.Severity]int{}
	for _, inc := range incs {
		count[inc.Severity]++
	}
	total := float64(len(incs))
	out := scene.KPIData{Value: &total, State: "ok"}
	for _, s := range severities {
		n := float64(count[s])
		row := scene.Row{Name: s.Name(), Value: &n, State: "ok", Labels: map[string]string{"severity": string(s)}}
		if n > 0 {
			row.State = severityState(s)
			out.State = worse(out.State, row.State)
		}
		out.Sub = append(out.Sub, row)
	}
	if len(p.Thresholds) > 0 {
		out.State = stateOf(out.Value, p)
	}
	return out, nil
}

// severityState is how an open incident of a severity colours the wall.
func severityState(s alerting.Severity) string {
	switch s {
	case alerting.Critical:
		return "bad"
	case alerting.Major:
		return "warn"
	}
	return "ok"
}

func (r *evalRound) responseStat(p *scene.Panel) (scene.KPIData, error) {
	incs, err := r.todaysIncidents()
	if err != nil {
		return scene.KPIData{}, err
	}
	var st alerting.ResponseStats
	if agg := alerting.Aggregate(incs, ""); len(agg) > 0 {
		st = agg[0]
	}
	mean, n, word := st.MTTA, st.Acked, "已确认"
	if p.Label == scene.StatMTTR {
		mean, n, word = st.MTTR, st.Resolved, "已恢复"
	}
	var v *float64
	if n > 0 {
		v = number(mean.Seconds())
	}
	// The sub-values are counts in a panel formatted as durations: the page
	// takes a row's labels.format over the panel's.
	count, done := float64(st.Count), float64(n)
	asNumber := map[string]string{"format": "number"}
	return scene.KPIData{Value: v, State: stateOf(v, p), Sub: []scene.Row{
		{Name: "今日事件", Value: &count, Labels: asNumber}, {Name: word, Value: &done, Labels: asNumber},
	}}, nil
}

// duty is who is on duty at the round's time, phones masked.
func (r *evalRound) duty() scene.DutyData {
	people, watch := r.e.opts.Duty(r.at)
	out := scene.DutyData{People: make([]scene.DutyPerson, 0, len(people)), Watch: watch}
	for _, p := range people {
		p.Phone = maskPhone(p.Phone)
		out.People = append(out.People, p)
	}
	return out
}

// maskPhone keeps the first three and last four characters of a phone number
// (138****0001), as a wall in a public room must; a short one is all stars.
func maskPhone(phone string) string {
	r := []rune(phone)
	if len(r) == 0 {
		return ""
	}
	if len(r) < 8 {
		return "****"
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}
