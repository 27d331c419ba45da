package app

import (
	"errors"
	"log/slog"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report/issue"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// LocalLedger is the SLA ledger of a data directory whose server is not
// running (`swanwatch ledger`), with the closer the server would run on it.
type LocalLedger struct {
	Ledger *sla.Ledger
	Closer *sla.Closer
	close  func() error
}

// Close closes the TSDB and the state store.
func (l *LocalLedger) Close() error { return l.close() }

// OpenLedger opens cfg's data directory as `swanwatch report --config` does
// (issue.OpenLocal: the TSDB's lock refuses it, with an error wrapping
// storage.ErrInUse, while a server runs there) and builds the ledger and its
// closer as the server does (newSLA: the same accounting, rules and
// incidents), without the server's report hooks: opts are added last, e.g.
// a clock in tests.
func OpenLedger(cfg *config.Config, opts ...sla.CloserOption) (*LocalLedger, error) {
	st, db, err := issue.OpenLocal(localData(cfg))
	if err != nil {
		return nil, err
	}
	ledger, _, closer := newSLA(db, st.Queryable(), alerting.NewIncidents(db, nil),
		func() sla.Rules { return slaRules(cfg) }, slog.New(slog.DiscardHandler), opts...)
	return &LocalLedger{Ledger: ledger, Closer: closer,
		close: func() error { return errors.Join(db.Close(), st.Close()) }}, nil
}

// OpenLedgerState opens only cfg's state store, for reading the ledger
// (`swanwatch ledger status`): SQLite lets it be read beside a running
// server. The caller closes the returned database.
func OpenLedgerState(cfg *config.Config) (*sla.Ledger, *statestore.DB, error) {
	db, err := statestore.Open(cfg.Storage.StateFile(), nil)
	if err != nil {
		return nil, nil, err
	}
	return sla.NewLedger(db, nil), db, nil
}

// localData is cfg's data directory as issue.Local describes it.
func localData(cfg *config.Config) issue.Local {
	return issue.Local{TSDBDir: cfg.Storage.TSDBDir(), Retention: cfg.Storage.Retention.Duration(),
		StateFile: cfg.Storage.StateFile(), Rules: slaRules(cfg), Settings: reportSettings(cfg), Jobs: cfg.Jobs}
}
