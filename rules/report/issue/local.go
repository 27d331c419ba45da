package issue

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/ha"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/recommend"
	"github.com/swanwatch/swanwatch/rules/secops"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// Local is the data directory of a server that is not running.
type Local struct {
	TSDBDir   string
	Retention time.Duration // the server's, so opening the TSDB deletes nothing it would keep
	StateFile string
	Rules     sla.Rules
	Settings  Settings
	Jobs      jobs.Config // the server's jobs: section, for the backups' month
	// Secops: the server runs security operations (rules/secops), read
	// back from the state store for 八、安全运营; false: 未接入.
	Secops bool
	// SecurityEvents scans the data directory's event store (nil: 未接入).
	SecurityEvents SecurityEvents
}

// WriteLocal builds month's SLA report from the data directory of a server
// that is not running (`swanwatch report --config`): the state store for the
// ledger, the incidents, the host failures, the job runs and the
// recommendations (the findings are filed there as the server would), the
// TSDB for days not closed yet and the recommendations' evidence. The TSDB's lock
// refuses a second opener, so a running server is reported, not raced.
func WriteLocal(ctx context.Context, l Local, month, format string, w io.Writer) error {
	logger := slog.New(slog.DiscardHandler)
	st, db, err := OpenLocal(l)
	if err != nil {
		if errors.Is(err, storage.ErrInUse) {
			err = fmt.Errorf("%w (is the server running? then use --server)", err)
		}
		return err
	}
	// The jobs are read back from the state store as the server would at
	// its start (a job never watched before is watched from now).
	js, err := jobs.New(l.Jobs, db, jobs.WithLogger(logger))
	if err != nil {
		return errors.Join(fmt.Errorf("jobs: %w", err), db.Close(), st.Close())
	}
	var sec *secops.Service
	if l.Secops {
		if sec, err = secops.New(db, secops.WithLogger(logger)); err != nil {
			return errors.Join(fmt.Errorf("security operations: %w", err), db.Close(), st.Close())
		}
	}
	s := New(Options{Ledger: sla.NewLedger(db, logger),
		Accounting: sla.NewAccounting(st.Queryable(), alerting.NewIncidents(db, nil), func() sla.Rules { return l.Rules }),
		HA:         ha.New(db, nil, ha.Options{Log: logger}), Jobs: js,
		FollowUps:      recommend.NewStore(db, recommend.NewTSDBEvidence(st.Queryable(), 0), nil),
		SecurityEvents: l.SecurityEvents, Secops: sec,
		Settings: func() Settings { return l.Settings }, Logger: logger})
	err = s.Render(ctx, month, format, w)
	return errors.Join(err, db.Close(), st.Close())
}

// OpenLocal opens the TSDB and the state store of the data directory of a
// server that is not running, for WriteLocal and `swanwatch ledger`. The
// TSDB's lock refuses a second opener: while a server runs on the directory
// the error wraps storage.ErrInUse, and nothing is opened.
func OpenLocal(l Local) (*storage.Storage, *statestore.DB, error) {
	logger := slog.New(slog.DiscardHandler)
	st, err := storage.Open(storage.Options{Dir: l.TSDBDir, Retention: l.Retention, Logger: logger})
	if err != nil {
		return nil, nil, err
	}
	db, err := statestore.Open(l.StateFile, logger)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("open state store: %w", err), st.Close())
	}
	return st, db, nil
}
