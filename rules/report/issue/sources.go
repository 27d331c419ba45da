package issue

import (
	"context"
	"fmt"
	"github.com/swanwatch/swanwatch/internal/inventory"

	"github.com/swanwatch/swanwatch/rules/ha"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/recommend"
	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The monthly report's parts that do not come from the ledger: the HA
// proof, the scheduled jobs and the findings' follow-up, read at generation
// from their own stores (as of the day the report is rendered, not frozen
// with the month). Each source is optional: a nil one is 未接入 in the
// report (the follow-up: 未跟踪), never zeros.

// HASource gives a CST month's host failures: *ha.Tracker.
type HASource interface {
	Month(ctx context.Context, month string) (ha.MonthFigures, error)
}

// JobSource gives the scheduled jobs' months and their state now: *jobs.Service.
type JobSource interface {
	Month(ctx context.Context, month string) ([]jobs.JobMonth, error)
	List() []jobs.JobView
}

// FollowUps files a month's findings and tells how they are followed:
// *recommend.Store.
type FollowUps interface {
	Sync(ctx context.Context, month string, findings []report.Finding) (recommend.SyncResult, error)
	Month(ctx context.Context, month string) (report.FollowUp, error)
}

// Sources says which of the cloud's sources the configuration watches, so
// that a part without one says 未接入 rather than "nothing happened".
type Sources struct {
	Hypervisors bool // some hypervisor target (HA proof)
	BMCs        bool // some BMC target (servers' hardware)
	Rooms       bool // some machine-room device: UPS, PDU or temperature/humidity sensor
}

// cloudInput reads the HA proof and the jobs of month.
func (s *Service) cloudInput(ctx context.Context, month string, src Sources) (report.CloudInput, error) {
	in := report.CloudInput{HardwareOn: src.BMCs, RoomsOn: src.Rooms}
	if s.o.HA != nil {
		m, err := s.o.HA.Month(ctx, month)
		if err != nil {
			return in, fmt.Errorf("host failures of %s: %w", month, err)
		}
		if src.Hypervisors || m.HostFailures > 0 {
			in.HA = &m
		}
	}
	if s.o.Jobs != nil {
		ms, err := s.o.Jobs.Month(ctx, month)
		if err != nil {
			return in, fmt.Errorf("jobs of %s: %w", month, err)
		}
		in.Jobs, in.JobsOn = ms, len(ms) > 0
	}
	return in, nil
}

// followUp files the report's findings and sets their follow-up; without a
// tracker the report says 未跟踪. The findings of the running month are not
// filed (a provisional report downloaded on the 10th judges ten days): they
// show 待处理 until the month is over. A failure fails the report: one
// saying "not tracked" while recommendations are tracked would be wrong.
func (s *Service) followUp(ctx context.Context, r *report.Report) error {
	if s.o.FollowUps == nil {
		return nil
	}
	start, err := sla.ParseMonth(r.Month)
	if err != nil {
		return err
	}
	var res recommend.SyncResult
	if !s.o.Now().Before(start.AddDate(0, 1, 0)) {
		if res, err = s.o.FollowUps.Sync(ctx, r.Month, r.Resources.Findings); err != nil {
			return fmt.Errorf("file the findings of %s: %w", r.Month, err)
		}
	}
	u, err := s.o.FollowUps.Month(ctx, r.Month)
	if err != nil {
		return fmt.Errorf("follow-up of %s: %w", r.Month, err)
	}
	r.Resources.FollowUp = u
	s.o.Logger.Info("findings followed", "month", r.Month, "new", res.New, "seen", res.Seen, "proved", res.Proved)
	return nil
}

// roomProfiles are the device profiles of the machine rooms (docs/cloud.md).
var roomProfiles = map[string]bool{"ups-rfc1628": true, "pdu-apc-rpdu": true, "th-sensor-input": true,
	"th-sensor-holding": true}

// SourcesFrom says which of the cloud's sources an inventory watches.
func SourcesFrom(targets []inventory.Target) Sources {
	var s Sources
	for _, t := range targets {
		switch {
		case t.Kind == "hypervisor":
			s.Hypervisors = true
		case t.Kind == "bmc":
			s.BMCs = true
		case t.Kind == "device" && roomProfiles[t.Params["profile"]]:
			s.Rooms = true
		}
	}
	return s
}
