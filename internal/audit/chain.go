package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"

	"github.com/VictoriaMetrics/metrics"
)

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
