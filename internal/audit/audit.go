// Package audit owns SwanWatch's security audit trail (审计日志): an append-only
// table in the state database in which every row carries a MAC over the previous
// row's MAC and its own fields, so an edited, removed or inserted row breaks the
// chain and Verify reports it. The MAC is HMAC-SM3 under a key file that is not
// in the database (chain.go), so that someone who can write the database cannot
// rebuild the chain after an edit; rows written before the key keep their
// SHA-256 hashes and the keyed chain's first row (an anchor) records the last of
// them. It records every write request through its HTTP middleware, the
// security events of package auth (failed logins, lockouts, user and token
// changes) and serves the audit administrator's query and export API.
//
// Rows are kept at least 180 days (MLPS level 3): the database refuses to delete
// younger ones, and Prune records what it removed so the rest stays verifiable.
package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/smcrypto"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// Entry is one audit record. Result is an HTTP status code for requests and
// success/failure/locked for security events.
type Entry struct {
	ID         int64     `json:"id"`
	Time       time.Time `json:"time"`
	User       string    `json:"user"`
	Role       auth.Role `json:"role"`
	Action     string    `json:"action"`
	Object     string    `json:"object"`
	RemoteAddr string    `json:"remote_addr"`
	Result     string    `json:"result"`
	Detail     string    `json:"detail"`
}

// Field bounds: a client chooses paths and user names, so it must not choose
// the size of our rows.
const (
	maxField  = 512
	maxDetail = 2048
)

// Log writes and reads the audit trail.
type Log struct {
	db  *sql.DB
	log *slog.Logger
	now func() time.Time
	key smcrypto.Key // unset: the unkeyed SHA-256 chain (tests, a trail not yet keyed)
	mac func() hash.Hash
	// mu serialises appends within the process; the IMMEDIATE transaction does
	// the same across processes (the CLI and the server).
	mu sync.Mutex
}

// Option configures a Log.
type Option func(*Log)

// WithKey keys the chain with HMAC-SM3 under k (smcrypto.LoadKeyFile of the
// configuration's audit.key_file). The first append under a key starts the
// keyed chain; from then on a Log without the key refuses to append.
func WithKey(k smcrypto.Key) Option {
	return func(l *Log) {
		l.key = k
		if k.IsSet() {
			l.mac = chainKey(k)
		}
	}
}

// New returns a Log on db.
func New(db *statestore.DB, logger *slog.Logger, opts ...Option) *Log {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l := &Log{db: db.SQL(), log: logger, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	return l
}

var recordErrors = metrics.NewCounter(`swanwatch_audit_record_errors_total`)

// Record appends e to the chain. A zero Time means now.
func (l *Log) Record(ctx context.Context, e Entry) error {
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	e = bounded(e)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.append(ctx, e); err != nil {
		recordErrors.Inc()
		return fmt.Errorf("record audit entry %q: %w", e.Action, err)
	}
	metrics.GetOrCreateCounter(`swanwatch_audit_entries_total`).Inc()
	return nil
}

func (l *Log) append(ctx context.Context, e Entry) (err error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	last, err := readTail(ctx, tx)
	if err != nil {
		return err
	}
	if _, err = l.appendTx(ctx, tx, last, e); err != nil {
		return err
	}
	return tx.Commit()
}

// bounded truncates over-long fields and replaces invalid UTF-8, marking cuts.
func bounded(e Entry) Entry {
	e.User, e.Action, e.Object = clip(e.User, maxField), clip(e.Action, maxField), clip(e.Object, maxField)
	e.RemoteAddr, e.Result = clip(e.RemoteAddr, maxField), clip(e.Result, maxField)
	e.Role = auth.Role(clip(string(e.Role), maxField))
	e.Detail = clip(e.Detail, maxDetail)
	return e
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// AuthEvent implements auth.Auditor: security events from package auth.
func (l *Log) AuthEvent(ctx context.Context, ev auth.Event) {
	err := l.Record(context.WithoutCancel(ctx), Entry{Time: ev.Time, User: ev.User, Role: ev.Role,
		Action: ev.Action, Object: ev.Object, RemoteAddr: ev.RemoteAddr, Result: ev.Result, Detail: ev.Detail})
	if err != nil {
		l.log.Error("audit security event lost", "action", ev.Action, "user", ev.User, "err", err)
	}
}
