// Package audit owns SwanWatch's security audit trail (审计日志): an append-only
// table in the state database in which every row carries a SHA-256 hash over the
// previous row's hash and its own fields, so an edited, removed or inserted row
// breaks the chain and Verify reports it. It records every write request through
// its HTTP middleware, the security events of package auth (failed logins,
// lockouts, user and token changes) and serves the admin query API.
//
// Rows are kept at least 180 days (MLPS level 3): the database refuses to delete
// younger ones.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
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
	// mu serialises appends within the process; the IMMEDIATE transaction does
	// the same across processes (the CLI and the server).
	mu sync.Mutex
}

// New returns a Log on db.
func New(db *statestore.DB, logger *slog.Logger) *Log {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Log{db: db.SQL(), log: logger, now: time.Now}
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
	var prev string
	err = tx.QueryRowContext(ctx, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	ts := e.Time.UnixNano()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (ts, username, role, action, object, remote_addr,
		result, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ts, e.User, string(e.Role), e.Action, e.Object, e.RemoteAddr, e.Result, e.Detail, prev,
		chainHash(prev, ts, e))
	if err != nil {
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

// ErrTampered is wrapped by Verify's error when the chain does not hold.
var ErrTampered = errors.New("audit trail tampered")

// chainHash is SHA-256 over the previous row's hash and this row's fields, each
// length-prefixed so that no two different rows encode alike.
func chainHash(prev string, ts int64, e Entry) string {
	h := sha256.New()
	for _, f := range []string{"swanwatch-audit-v1", prev} {
		writeField(h, f)
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(ts))
	h.Write(b[:])
	for _, f := range []string{e.User, string(e.Role), e.Action, e.Object, e.RemoteAddr, e.Result, e.Detail} {
		writeField(h, f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeField(h hash.Hash, s string) {
	var b [binary.MaxVarintLen64]byte
	h.Write(b[:binary.PutUvarint(b[:], uint64(len(s)))])
	h.Write([]byte(s))
}

// Verify walks the whole trail in order and checks that every row's hash covers
// its fields and the row before it. The first row must start the chain. It
// cannot see rows cut off the end; compare the count or the last hash with a
// copy kept elsewhere (the event store) for that.
func (l *Log) Verify(ctx context.Context) error {
	err := l.verify(ctx)
	result := "ok"
	if err != nil {
		result = "failed"
	}
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_audit_verify_total{result=%q}`, result)).Inc()
	return err
}

func (l *Log) verify(ctx context.Context) error {
	rows, err := l.db.QueryContext(ctx, `SELECT id, ts, username, role, action, object, remote_addr, result,
		detail, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return fmt.Errorf("verify audit trail: %w", err)
	}
	defer rows.Close()
	want := "" // the first row follows the empty hash
	for rows.Next() {
		var e Entry
		var ts int64
		var prev, sum string
		if err := rows.Scan(&e.ID, &ts, &e.User, &e.Role, &e.Action, &e.Object, &e.RemoteAddr, &e.Result,
			&e.Detail, &prev, &sum); err != nil {
			return fmt.Errorf("verify audit trail: %w", err)
		}
		if prev != want {
			return fmt.Errorf("%w: row %d does not follow the row before it (a row was removed or inserted)",
				ErrTampered, e.ID)
		}
		if chainHash(prev, ts, e) != sum {
			return fmt.Errorf("%w: row %d does not match its hash (the row was altered)", ErrTampered, e.ID)
		}
		want = sum
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("verify audit trail: %w", err)
	}
	return nil
}
