// Package issue builds, keeps and announces the bureau's reports: the
// monthly SLA report (月度SLA服务报告) from the ledger, frozen or provisional,
// as a draft once the month's last day is closed and as the final report
// once the month is frozen, and the daily inspection report (日常巡检报告)
// from the TSDB and the incident store every morning. Issued reports are
// kept in one directory (<storage.path>/reports) and announced through a
// callback; the HTTP handlers serve them. rules/report judges and draws;
// this package gathers the inputs, schedules and files the results.
package issue

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/prometheus/promql"

	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/secops"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// Settings are the parts of the configuration the reports read. The
// function that gives them is called at every use, so a reload applies to
// the next report.
type Settings struct {
	Addressee string // to whom the monthly report is addressed
	Issuer    string // from whom
	// Receiver is the alerting receiver told of every issued report; ""
	// tells nobody.
	Receiver string
	Findings report.Thresholds      // idle and low-use VMs (R-A2)
	Targets  report.ResponseTargets // MTTA and MTTR lines (R-A4)
	// InspectionAt is when the inspection report is issued, as an offset
	// into the CST day; InspectionOn false issues none.
	InspectionAt time.Duration
	InspectionOn bool
	HorizonDays  int    // forecasts within this many days are listed
	Dir          string // where issued reports are kept: <storage.path>/reports
	// Sources are the cloud's sources the configuration watches (七、政务云平台).
	Sources     Sources
	ExternalURL string // the server's address in announcements
}

// Announce tells receiver that a report is out: one notification per
// report, id unique per report, so a report issued again after a restart
// is not announced twice.
type Announce func(ctx context.Context, receiver, id string, n alerting.Notification)

// Instant evaluates PromQL at a time (api.Query.Instant).
type Instant func(ctx context.Context, expr string, at time.Time) (promql.Vector, error)

// Options are the parts a Service reads.
type Options struct {
	Ledger     *sla.Ledger
	Accounting *sla.Accounting // the days not closed yet, the month's incidents, the SLIs
	// Incidents and Instant feed the inspection report; without them there is none.
	Incidents sla.IncidentStore
	Instant   Instant
	// HA, Jobs and FollowUps feed the monthly report's cloud section and the
	// findings' follow-up; nil (a nil interface, not a nil pointer in one):
	// 未接入 / 未跟踪. Jobs feeds the inspection's backups too.
	HA        HASource
	Jobs      JobSource
	FollowUps FollowUps
	// SecurityEvents and Secops feed the monthly report's 八、安全运营: the
	// month's events (folded by class, district and source address) and
	// the vulnerabilities, scans and notices; nil: 未接入.
	SecurityEvents SecurityEvents
	Secops         *secops.Service
	Settings       func() Settings
	Announce       Announce         // nil: nobody is told
	Now            func() time.Time // time.Now when nil
	Logger         *slog.Logger     // discarded when nil
}

// Service builds, keeps and announces the reports and serves them over HTTP.
type Service struct {
	o Options
	// busy allows one report at a time: a reference month takes seconds and
	// hundreds of MB. A download finds it taken and is told to come back; an
	// issue waits for it.
	busy chan struct{}
}

// New returns the reports service.
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{o: o, busy: make(chan struct{}, 1)}
}
