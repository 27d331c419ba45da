package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// WriteReport builds month's SLA report from the data directory of a server
// that is not running (`swanwatch report --config`): the state store for the
// ledger and the incidents, the TSDB for days not closed yet. The TSDB's lock
// refuses a second opener, so a running server is reported, not raced.
func WriteReport(ctx context.Context, cfg *config.Config, month, format string, w io.Writer) error {
	logger := slog.New(slog.DiscardHandler)
	st, err := storage.Open(storage.Options{Dir: tsdbDir(cfg), Retention: cfg.Storage.Retention.Duration(), Logger: logger})
	if err != nil {
		return fmt.Errorf("%w (is the server running? then use --server)", err)
	}
	db, err := statestore.Open(stateFile(cfg), logger)
	if err != nil {
		return errors.Join(fmt.Errorf("open state store: %w", err), st.Close())
	}
	m := &monthReports{ledger: sla.NewLedger(db, logger), q: st.Queryable(),
		incidents: alerting.NewIncidents(db, nil), rules: func() accounting { return accounting{sla: cfg.SLA, windows: cfg.Alerting.Maintenance} },
		cfg: func() config.Reports { return cfg.Reports }, now: time.Now, logger: logger, busy: make(chan struct{}, 1)}
	err = m.Render(ctx, month, format, w)
	return errors.Join(err, db.Close(), st.Close())
}
