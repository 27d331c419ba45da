package audit

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/smcrypto"
)

// ErrTampered is wrapped by Verify's error when the chain does not hold.
var ErrTampered = errors.New("audit trail tampered")

// ErrWrongKey is returned when the key is not the one the keyed chain was
// written with: every MAC would fail, and that is not tampering.
var ErrWrongKey = errors.New("the key file is not the one this audit trail was written with")

// TamperError names the first row that breaks the chain. It wraps ErrTampered.
type TamperError struct {
	ID   int64
	Time time.Time
	What string // what differs, for the operator
}

func (e *TamperError) Error() string {
	return fmt.Sprintf("%v: row %d %s (row time %s)", ErrTampered, e.ID, e.What,
		e.Time.In(shanghai).Format("2006-01-02 15:04:05.000 MST"))
}

func (e *TamperError) Unwrap() error { return ErrTampered }

// Report is what Check found in an intact trail.
type Report struct {
	Rows       int   `json:"rows"`
	SHA256Rows int   `json:"sha256_rows"` // rows from before the key
	KeyedRows  int   `json:"keyed_rows"`  // HMAC-SM3 rows, anchors included
	FirstID    int64 `json:"first_id"`
	LastID     int64 `json:"last_id"`
	// LastHash is the tail's MAC: a trail cut at its end is still a valid
	// chain, so compare this (or Rows) with a copy kept elsewhere.
	LastHash string    `json:"last_hash"`
	LastTime time.Time `json:"last_time"`
}

// Verify walks the whole trail and reports the first row that breaks it.
func (l *Log) Verify(ctx context.Context) error {
	_, err := l.Check(ctx)
	return err
}

// Check walks the whole trail in order and checks that every row's hash or MAC
// covers its fields and the row before it, that the keyed chain begins with
// its anchor and no unkeyed row follows it, and that the first row either
// starts the trail or is the first kept row a prune recorded. On a break it
// returns a *TamperError for the lowest broken row.
func (l *Log) Check(ctx context.Context) (Report, error) {
	rep, err := l.check(ctx)
	result := "ok"
	if err != nil {
		result = "failed"
	}
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_audit_verify_total{result=%q}`, result)).Inc()
	return rep, err
}

// row is one audit_log row as stored.
type row struct {
	Entry
	ts               int64
	prev, sum, chain string
}

func (l *Log) check(ctx context.Context) (Report, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, ts, username, role, action, object, remote_addr, result,
		detail, prev_hash, hash, chain FROM audit_log ORDER BY id`)
	if err != nil {
		return Report{}, fmt.Errorf("verify audit trail: %w", err)
	}
	defer rows.Close()
	w := walker{key: l.key, mac: l.mac, vouched: map[int64]string{}}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.ts, &r.User, &r.Role, &r.Action, &r.Object, &r.RemoteAddr, &r.Result,
			&r.Detail, &r.prev, &r.sum, &r.chain); err != nil {
			return w.rep, fmt.Errorf("verify audit trail: %w", err)
		}
		r.Time = time.Unix(0, r.ts)
		if err := w.step(r); err != nil {
			return w.rep, err
		}
	}
	if err := rows.Err(); err != nil {
		return w.rep, fmt.Errorf("verify audit trail: %w", err)
	}
	if err := w.headErr(); err != nil {
		return w.rep, err
	}
	if w.broken != nil {
		return w.rep, w.broken
	}
	return w.rep, nil
}

// walker checks rows one by one. It goes on past a break, so that a prune
// record after it still vouches for the head (each MAC stands on its own).
type walker struct {
	key     smcrypto.Key
	mac     func() hash.Hash
	rep     Report
	want    string
	keyed   bool
	head    row
	broken  *TamperError
	vouched map[int64]string // first kept row id → the MAC it follows, from prune records
}

func (w *walker) step(r row) error {
	if w.rep.Rows == 0 {
		w.head, w.want = r, r.prev
		w.keyed = r.chain == chainHMACSM3 && r.prev != "" // the anchor was pruned away
		w.rep.FirstID = r.ID
	}
	switch {
	case r.prev != w.want:
		w.fail(r, fmt.Sprintf("does not follow the row before it: it links to %s, the row before has %s "+
			"(a row was removed or inserted)", short(r.prev), short(w.want)))
	case w.rep.Rows > 0 && r.ID != w.rep.LastID+1:
		// Ids are never reused and a rolled-back append gives its id back, so
		// a gap is rows deleted: the tail cut and the chain appended to again.
		w.fail(r, fmt.Sprintf("comes after row %d: rows %d–%d are missing (the end of the trail was cut "+
			"and written on)", w.rep.LastID, w.rep.LastID+1, r.ID-1))
	}
	switch r.chain {
	case chainSHA256:
		w.rep.SHA256Rows++
		if w.keyed {
			w.fail(r, "is an unkeyed (SHA-256) row after the keyed chain began (a row was inserted)")
		} else if chainHash(r.prev, r.ts, r.Entry) != r.sum {
			w.fail(r, "does not match its hash (the row was altered)")
		}
	case chainHMACSM3:
		w.rep.KeyedRows++
		if err := w.keyedRow(r); err != nil {
			return err
		}
	default:
		w.fail(r, fmt.Sprintf("names an unknown chain %q (the row was altered)", r.chain))
	}
	w.want = r.sum
	w.rep.Rows++
	w.rep.LastID, w.rep.LastHash, w.rep.LastTime = r.ID, r.sum, r.Time
	return nil
}

func (w *walker) keyedRow(r row) error {
	if !w.key.IsSet() {
		return fmt.Errorf("verify audit trail: %w (row %d is keyed)", ErrNoKey, r.ID)
	}
	if !w.keyed && r.Action != ActionChainStart {
		w.fail(r, "begins the keyed chain but is not its anchor (a row was inserted or removed)")
	}
	w.keyed = true
	if !macEqual(chainMAC(w.mac, r.prev, r.ts, r.Entry), r.sum) {
		if (r.Action == ActionChainStart || r.Action == ActionPrune) && !strings.Contains(r.Object, "key:"+w.key.ID()) {
			return fmt.Errorf("%w: row %d was written under key %s, this key is %s", ErrWrongKey, r.ID,
				keyIn(r.Object), w.key.ID())
		}
		w.fail(r, "does not match its MAC (the row was altered)")
		return nil
	}
	if r.Action == ActionPrune {
		if id, prev, ok := parsePruneObject(r.Object); ok {
			w.vouched[id] = prev
		}
	}
	return nil
}

func (w *walker) fail(r row, what string) {
	if w.broken == nil {
		w.broken = &TamperError{ID: r.ID, Time: r.Time, What: what}
	}
}

// headErr: a first row that links to a missing row must be the first kept
// row of a recorded prune.
func (w *walker) headErr() error {
	h := w.head
	if w.rep.Rows == 0 || h.prev == "" {
		return nil
	}
	if prev, ok := w.vouched[h.ID]; ok && prev == h.prev {
		return nil
	}
	return &TamperError{ID: h.ID, Time: h.Time, What: fmt.Sprintf("is first but links to %s, a row that is "+
		"not in the trail, and no prune record covers it (the head of the trail was cut)", short(h.prev))}
}

func short(h string) string {
	if h == "" {
		return `""`
	}
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

func keyIn(object string) string {
	for f := range strings.FieldsSeq(object) {
		if k, ok := strings.CutPrefix(f, "key:"); ok {
			return k
		}
	}
	return "?"
}

// pruneObject is a prune record's object: the first kept row, the MAC it
// follows and the key's id.
func pruneObject(firstID int64, prev, keyID string) string {
	return fmt.Sprintf("first_kept:%d prev:%s key:%s", firstID, prev, keyID)
}

func parsePruneObject(s string) (int64, string, bool) {
	var id int64
	var prev string
	ok := 0
	for f := range strings.FieldsSeq(s) {
		if v, found := strings.CutPrefix(f, "first_kept:"); found {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, "", false
			}
			id, ok = n, ok+1
		} else if v, found := strings.CutPrefix(f, "prev:"); found {
			prev, ok = v, ok+1
		}
	}
	return id, prev, ok == 2
}

// VerifyHandler serves GET /api/v1/audit/verify for the audit administrator:
// the chain checked now, {"intact": true, "report": …} or {"intact": false,
// "broken": {id, time, what}}. The check itself is recorded in the trail.
func (l *Log) VerifyHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep, err := l.Check(r.Context())
		var te *TamperError
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, map[string]any{"status": "success",
				"data": map[string]any{"intact": true, "report": rep}})
		case errors.As(err, &te):
			writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": map[string]any{
				"intact": false, "report": rep,
				"broken": map[string]any{"id": te.ID, "time": te.Time.In(shanghai), "what": te.What}}})
		default:
			l.log.Error("audit verify", "err", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"status": "error",
				"errorType": "internal", "error": "审计日志无法校验：" + err.Error()})
		}
		result := "intact"
		if err != nil {
			result = "failed"
		}
		l.recordRead(r, "audit.verify", "", result, fmt.Sprintf("rows=%d", rep.Rows))
	})
}
