package sla

import (
	"context"
	"fmt"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/prometheus/storage"
)

// UsageInterval is the resolution of the usage figures (R-A2): each CST day
// is cut into 288 intervals [t, t+5m) aligned to 00:00 CST, and each one's
// figure is computed from the raw samples inside it (docs/sla.md, 资源使用).
const UsageInterval = 5 * time.Minute

// usageIntervals is the number of intervals in a CST day (no DST in CST).
const usageIntervals = int(24 * time.Hour / UsageInterval)

// The node_exporter families the agent collector keeps by default
// (collectors/agent.DefaultKeep) that the usage figures come from.
const (
	metricCPU      = "node_cpu_seconds_total"
	metricMemTotal = "node_memory_MemTotal_bytes"
	metricMemAvail = "node_memory_MemAvailable_bytes"
	metricFSSize   = "node_filesystem_size_bytes"
	metricFSAvail  = "node_filesystem_avail_bytes"
)

// usageEntityLabel identifies an agent, as the agent_online SLI does
// (`up{kind="agent"}` per instance), so the report joins the two.
const usageEntityLabel = "instance"

// AccountUsage computes, for every VM agent with usage data in the CST day
// date, one Day per usage name (UsageCPU, UsageMemory, UsageDisk) with the
// agent's labels, the day's Stats over its 5-minute intervals and a Tally of
// the seconds with a figure (Good) and without (Unknown) within the agent's
// lifetime. A usage without a single interval with a figure gets no Day.
// It reads raw samples one agent at a time, so memory stays bounded by one
// agent's day however large the estate. Days are ordered by entity, then
// CPU, memory, disk.
func AccountUsage(ctx context.Context, q storage.Queryable, date string) ([]Day, error) {
	from, to, err := DayBounds(date)
	if err != nil {
		return nil, err
	}
	r, err := openUsageReader(q, from, to)
	if err != nil {
		return nil, fmt.Errorf("account usage %s: %w", date, err)
	}
	defer r.close()
	agents, err := r.agents(ctx)
	if err != nil {
		return nil, fmt.Errorf("account usage %s: %w", date, err)
	}
	var days []Day
	for _, a := range agents {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("account usage %s: %w", date, err)
		}
		vm, err := r.read(ctx, a)
		if err != nil {
			return nil, fmt.Errorf("account usage %s: agent %s: %w", date, a, err)
		}
		days = append(days, vm.days(date, from, to)...)
	}
	return days, nil
}

// days turns one agent's series into its usage days.
func (vm *vmDay) days(date string, from, to time.Time) []Day {
	var out []Day
	for _, u := range []struct {
		name  string
		class usageClass
		fig   func() *figures
	}{{UsageCPU, classCPU, vm.cpu}, {UsageMemory, classMemory, vm.memory}, {UsageDisk, classDisk, vm.disk}} {
		fig := u.fig()
		stats, ok := fig.stats()
		if !ok {
			continue
		}
		out = append(out, Day{SLI: u.name, Entity: vm.entity, Labels: vm.targetLabels(), Date: date,
			Stats: &stats, Tally: fig.tally(vm.life[u.class].span(from, to), from)})
	}
	return out
}

// usageInvalid counts samples the usage figures refuse (a MemTotal of 0,
// more available than total, a filesystem of size 0) by kind.
func usageInvalid(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_sla_usage_invalid_total{kind="` + kind + `"}`).Inc()
}
