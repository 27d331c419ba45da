package issue

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/prometheus/model/labels"

	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report"
)

// The daily inspection report (日常巡检报告, R-A10) is filled from the TSDB
// (the estate now and 24 h earlier, daily points of disk and link use) and
// the incident store; rules/report does the judging and the drawing.

// PromQL behind the inspection report.
const (
	inspectAgents = `up{kind="agent"}`
	inspectLinks  = `swanwatch:link_up`
	inspectGroups = `swanwatch:link_redundancy_state`
	// The fullest real filesystem of each VM.
	inspectDisk = `max by (instance, district, system) (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|devtmpfs|overlay|squashfs|ramfs"}
		/ node_filesystem_size_bytes{fstype!~"tmpfs|devtmpfs|overlay|squashfs|ramfs"})`
	// Each link's busiest direction at its busiest over the day before (the
	// two directions labelled apart, or max_over_time would collide them).
	inspectBandwidth = `max by (link, district, level) (
		label_replace(max_over_time(swanwatch:link_utilisation_in:ratio[1d]), "dir", "in", "", "")
		or label_replace(max_over_time(swanwatch:link_utilisation_out:ratio[1d]), "dir", "out", "", ""))`
	inspectDays = 14 // daily points behind a forecast
	// incidentPage is the incident store's largest page.
	incidentPage = 10000
)

// inspectionInput gathers what report.BuildInspection reads, as at at.
func (s *Service) inspectionInput(ctx context.Context, at time.Time) (report.InspectionInput, error) {
	in := report.InspectionInput{At: at}
	q := s.o.Instant
	var err error
	if in.Today, err = snapshotAt(ctx, q, at); err != nil {
		return in, err
	}
	if in.Yesterday, err = snapshotAt(ctx, q, at.Add(-24*time.Hour)); err != nil {
		return in, err
	}
	if in.Disk, err = dailySeries(ctx, q, inspectDisk, "instance", at); err != nil {
		return in, err
	}
	if in.Bandwidth, err = dailySeries(ctx, q, inspectBandwidth, "link", at); err != nil {
		return in, err
	}
	if in.Scenic, err = scenicAt(ctx, q, at); err != nil {
		return in, err
	}
	if in.Cloud, err = s.cloudAt(ctx, at); err != nil {
		return in, err
	}
	return in, s.inspectionIncidents(ctx, at, &in)
}

func snapshotAt(ctx context.Context, q Instant, at time.Time) (report.Snapshot, error) {
	var snap report.Snapshot
	agents, err := q(ctx, inspectAgents, at)
	if err != nil {
		return snap, fmt.Errorf("inspection agents: %w", err)
	}
	for _, s := range agents {
		snap.Agents = append(snap.Agents, report.AgentState{Instance: s.Metric.Get("instance"),
			District: s.Metric.Get("district"), System: s.Metric.Get("system"), Online: s.F == 1})
	}
	links, err := q(ctx, inspectLinks, at)
	if err != nil {
		return snap, fmt.Errorf("inspection links: %w", err)
	}
	groups, err := q(ctx, inspectGroups, at)
	if err != nil {
		return snap, fmt.Errorf("inspection redundancy: %w", err)
	}
	state := map[string]string{}
	for _, g := range groups {
		state[g.Metric.Get("group")] = redundancyName(g.F)
	}
	for _, s := range links {
		snap.Links = append(snap.Links, report.LinkState{Name: s.Metric.Get("link"), Level: s.Metric.Get("level"),
			District: s.Metric.Get("district"), Up: s.F == 1, Redundancy: state[groupOf(s.Metric)]})
	}
	return snap, nil
}

func groupOf(l labels.Labels) string {
	if g := l.Get("group"); g != "" {
		return g
	}
	return "\x00" // a link without a group has no redundancy state
}

// redundancyName maps swanwatch:link_redundancy_state (2 正常, 1 降级, 0 中断).
func redundancyName(v float64) string {
	switch v {
	case 2:
		return report.RedundancyFull
	case 1:
		return report.RedundancyDegraded
	}
	return report.RedundancyDown
}

// dailySeries evaluates expr at at and at the same time on each of the days
// before, one point per day and entity.
func dailySeries(ctx context.Context, q Instant, expr, entity string, at time.Time) ([]report.Series, error) {
	by := map[string]*report.Series{}
	var order []string
	for k := inspectDays - 1; k >= 0; k-- {
		day := at.AddDate(0, 0, -k)
		vec, err := q(ctx, expr, day)
		if err != nil {
			return nil, fmt.Errorf("inspection series %s: %w", entity, err)
		}
		for _, s := range vec {
			name := s.Metric.Get(entity)
			sr, ok := by[name]
			if !ok {
				sr = &report.Series{Entity: name, District: s.Metric.Get("district"), System: s.Metric.Get("system")}
				by[name] = sr
				order = append(order, name)
			}
			sr.Points = append(sr.Points, report.Point{Day: day, Value: s.F})
		}
	}
	out := make([]report.Series, 0, len(order))
	for _, name := range order {
		out = append(out, *by[name])
	}
	return out, nil
}

// inspectionIncidents are the open incidents and those opened or resolved
// in the 24 h before at.
func (s *Service) inspectionIncidents(ctx context.Context, at time.Time, in *report.InspectionInput) error {
	open, err := s.o.Incidents.List(ctx, alerting.IncidentFilter{OpenOnly: true, Limit: incidentPage})
	if err != nil {
		return fmt.Errorf("inspection incidents: %w", err)
	}
	for _, inc := range open {
		in.Open = append(in.Open, incidentInfo(inc))
	}
	// Resolved in the last 24 h may have fired long before: look back 30 days.
	recent, err := s.o.Incidents.List(ctx, alerting.IncidentFilter{Since: at.AddDate(0, 0, -30), Until: at,
		Limit: incidentPage, NewestFirst: true})
	if err != nil {
		return fmt.Errorf("inspection incidents: %w", err)
	}
	since := at.Add(-24 * time.Hour)
	for _, inc := range recent {
		if inc.FirstFired.After(since) || inc.ResolvedAt.After(since) {
			in.Recent = append(in.Recent, incidentInfo(inc))
		}
	}
	return nil
}

func incidentInfo(inc alerting.Incident) report.IncidentInfo {
	return report.IncidentInfo{ID: "#" + strconv.FormatInt(inc.ID, 10), Title: inc.Annotations["summary"],
		Severity: string(inc.Severity), District: inc.Labels["district"], System: inc.Labels["system"],
		Opened: inc.FirstFired, Acked: inc.AckedAt, Resolved: inc.ResolvedAt}
}
