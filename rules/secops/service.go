package secops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// Service keeps the scans, findings and notices in the state database and
// raises their events; its handlers (http.go) are the API.
type Service struct {
	db     *sql.DB
	events collectors.EventSink
	now    func() time.Time
	log    *slog.Logger
	who    func(*http.Request) string
	since  time.Time // the watch runs since: quarters that ended before are not judged

	mu sync.Mutex // serializes imports, changes and checks: they are rare
}

// Option tunes a Service.
type Option func(*Service)

// WithEvents sends the events (vuln_overdue, vuln_closed, scan_imported,
// scan_missing, notice_due_soon, notice_overdue, notice_answered) to sink:
// the event rules (EventRules) and the event store.
func WithEvents(sink collectors.EventSink) Option { return func(s *Service) { s.events = sink } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithLogger logs to l.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithUser names the authenticated user of a request (the app's userOf);
// without it the handlers record "".
func WithUser(who func(*http.Request) string) Option { return func(s *Service) { s.who = who } }

// New opens the Service over the state database (migration 16). The first
// start is recorded: quarters that ended before it are not judged.
func New(db *statestore.DB, opts ...Option) (*Service, error) {
	s := &Service{db: db.SQL(), now: time.Now, log: slog.New(slog.DiscardHandler),
		who: func(*http.Request) string { return "" }}
	for _, o := range opts {
		o(s)
	}
	ctx := context.Background()
	if _, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO secops_watch (id, since) VALUES (1, ?)`,
		s.now().UnixMilli()); err != nil {
		return nil, fmt.Errorf("start the security operations watch: %w", err)
	}
	var since int64
	if err := s.db.QueryRowContext(ctx, `SELECT since FROM secops_watch WHERE id = 1`).Scan(&since); err != nil {
		return nil, fmt.Errorf("start the security operations watch: %w", err)
	}
	s.since = time.UnixMilli(since)
	return s, nil
}

// Since is when the watch first started on this database.
func (s *Service) Since() time.Time { return s.since }

// Run checks the deadlines, the notices' clocks and the quarters every
// minute until ctx ends; it returns nil then.
func (s *Service) Run(ctx context.Context) error {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		if err := s.Check(ctx); err != nil && ctx.Err() == nil {
			mStoreErrors.Inc()
			s.log.Warn("security operations not checked", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// Check raises what is due now: findings past their deadline, notices at
// 20 and 24 hours, quarters that ended without a scan. Each is raised once
// (the state database remembers), so a restart repeats nothing.
func (s *Service) Check(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var evs []collectors.Event
	var errs []error
	for _, check := range []func(context.Context, time.Time) ([]collectors.Event, error){
		s.checkOverdue, s.checkNotices, s.checkQuarters,
	} {
		e, err := check(ctx, now)
		evs, errs = append(evs, e...), append(errs, err)
	}
	s.send(ctx, evs)
	return errors.Join(errs...)
}

// send delivers events; a sink must not block, and a failure is counted.
func (s *Service) send(ctx context.Context, evs []collectors.Event) {
	if len(evs) == 0 || s.events == nil {
		return
	}
	for _, e := range evs {
		metricEvent(e.Labels["event"])
	}
	if err := s.events.AppendEvents(ctx, evs); err != nil {
		mSinkErrors.Inc()
		s.log.Warn("security events not delivered", "events", len(evs), "err", err)
	}
}

// tx runs fn in a transaction.
func (s *Service) tx(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err = fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}
