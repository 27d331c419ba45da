package report

import (
	"time"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// sizing is what a VM's target spec is sized by. The ledger keeps each day's
// mean, P95 and max of the 5-minute figures, not a P99 over the look-back;
// the P99 lies at or below the highest daily max, so sizing by that max never
// picks a spec the VM's own 99th percentile would not fit.
type sizing struct {
	cpuMax, memMax float64
	memKnown       bool
	first          int // first day of the month with usage data, from 1; 0 none
}

func (z *sizing) add(d sla.Day) {
	if day := dayIndex(d.Date) + 1; z.first == 0 || day < z.first {
		z.first = day
	}
	switch d.SLI {
	case sla.UsageCPU:
		z.cpuMax = max(z.cpuMax, d.Stats.Max)
	case sla.UsageMemory:
		z.memMax, z.memKnown = max(z.memMax, d.Stats.Max), true
	}
}

// need is the vCPUs and GB that fit the VM's highest use with headroom.
func (z sizing) need(vcpu, memGB int, headroom float64) (float64, float64) {
	return float64(vcpu) * z.cpuMax * (1 + headroom), float64(memGB) * z.memMax * (1 + headroom)
}

// monthDays is the number of days of a month "2026-11" (31 if it does not
// parse: Build has refused such a month before the findings).
func monthDays(month string) int {
	start, err := sla.ParseMonth(month)
	if err != nil {
		return 31
	}
	return int(start.AddDate(0, 1, 0).Sub(start).Round(24*time.Hour) / (24 * time.Hour))
}
