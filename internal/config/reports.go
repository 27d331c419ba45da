package config

import (
	"cmp"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/rules/report"
)

// Reports configures the monthly SLA report (月度SLA服务报告) and the daily
// inspection report (日常巡检报告).
type Reports struct {
	Addressee string `yaml:"addressee,omitempty"` // to whom: default 市行政审批和政务信息管理局
	Issuer    string `yaml:"issuer,omitempty"`    // from whom
	// Receiver is the alerting receiver told when a monthly report is issued
	// and sent the daily inspection report; "" tells nobody.
	Receiver   string                 `yaml:"receiver,omitempty"`
	Findings   report.Thresholds      `yaml:"findings"` // idle and low-use VMs (R-A2)
	Targets    report.ResponseTargets `yaml:"targets"`  // MTTA and MTTR lines (R-A4)
	Inspection InspectionReport       `yaml:"inspection"`
}

// InspectionReport is the daily inspection report (R-A10).
type InspectionReport struct {
	At          string `yaml:"at,omitempty"`           // HH:MM Asia/Shanghai, default 08:00; "off" for none
	HorizonDays int    `yaml:"horizon_days,omitempty"` // forecasts within this many days are listed, default 30
}

// Defaults of the reports section.
const (
	DefaultAddressee    = "市行政审批和政务信息管理局"
	DefaultIssuer       = "三门峡市新型智慧城市运维指挥中心"
	DefaultInspectionAt = "08:00"
)

func (r *Reports) applyDefaults() {
	r.Addressee = cmp.Or(r.Addressee, DefaultAddressee)
	r.Issuer = cmp.Or(r.Issuer, DefaultIssuer)
	f, d := &r.Findings, report.DefaultThresholds() // each threshold defaults on its own
	f.MinDays = cmp.Or(f.MinDays, d.MinDays)
	f.IdleCPUMean, f.IdleCPUPeak = cmp.Or(f.IdleCPUMean, d.IdleCPUMean), cmp.Or(f.IdleCPUPeak, d.IdleCPUPeak)
	f.IdleMemory = cmp.Or(f.IdleMemory, d.IdleMemory)
	f.LowCPUMean, f.LowCPUPeak = cmp.Or(f.LowCPUMean, d.LowCPUMean), cmp.Or(f.LowCPUPeak, d.LowCPUPeak)
	def := report.DefaultResponseTargets()
	r.Targets.MTTA = cmp.Or(r.Targets.MTTA, def.MTTA)
	r.Targets.MTTR = cmp.Or(r.Targets.MTTR, def.MTTR)
	r.Inspection.At = cmp.Or(r.Inspection.At, DefaultInspectionAt)
	r.Inspection.HorizonDays = cmp.Or(r.Inspection.HorizonDays, 30)
}

// InspectionTime parses at (HH:MM) as a time of day; ok is false for "off".
func InspectionTime(at string) (time.Duration, bool, error) {
	if at == "off" {
		return 0, false, nil
	}
	t, err := time.Parse("15:04", at)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not HH:MM (e.g. 08:00) or off", at)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, true, nil
}

// reports checks the section against the alerting receivers.
func (c *collector) reports(r Reports, receivers []Receiver) {
	if r.Receiver != "" && !hasReceiver(receivers, r.Receiver) {
		c.at("reports.receiver", "%q is not one of alerting.receivers", r.Receiver)
	}
	if _, _, err := InspectionTime(r.Inspection.At); err != nil {
		c.at("reports.inspection.at", "%v", err)
	}
	if r.Inspection.HorizonDays < 1 || r.Inspection.HorizonDays > 366 {
		c.at("reports.inspection.horizon_days", "%d is not between 1 and 366", r.Inspection.HorizonDays)
	}
	if r.Targets.MTTA <= 0 || r.Targets.MTTR <= 0 {
		c.at("reports.targets", "mtta and mttr must be positive durations")
	}
	if err := r.Findings.Validate(); err != nil {
		c.at("reports.findings", "%v", err)
	}
}

func hasReceiver(receivers []Receiver, name string) bool {
	for _, r := range receivers {
		if r.Name == name {
			return true
		}
	}
	return false
}
