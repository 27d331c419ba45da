package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/smcrypto"
)

// The two chains a row may belong to (audit_log.chain).
const (
	chainSHA256  = "sha256"   // before the key: hash = SHA-256(prev, fields)
	chainHMACSM3 = "hmac-sm3" // hash = HMAC-SM3(key, prev, fields)
)

// Actions of the rows the trail writes about itself.
const (
	// ActionChainStart is the anchor that begins the keyed chain: its prev_hash
	// is the last SHA-256 hash ("" on a new trail), its object the key's id.
	ActionChainStart = "audit.chain.start"
	// ActionPrune records a prune: which row is now first and the MAC it follows.
	ActionPrune = "audit.prune"
	// systemUser is the user of the rows the trail writes itself.
	systemUser = "swanwatch"
)

// macLabel derives the chain's HMAC key from the key file's key.
const macLabel = "swanwatch audit chain hmac-sm3 v1"

// ErrNoKey is returned when the trail is keyed and this Log has no key.
var ErrNoKey = errors.New("the audit trail is keyed (HMAC-SM3): configure audit.key_file")

var unkeyedAppends = metrics.NewCounter(`swanwatch_audit_unkeyed_appends_total`)

// tail is the last row of the trail; id 0 means an empty trail.
type tail struct {
	id    int64
	hash  string
	chain string
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readTail(ctx context.Context, q querier) (tail, error) {
	var t tail
	err := q.QueryRowContext(ctx, "SELECT id, hash, chain FROM audit_log ORDER BY id DESC LIMIT 1").
		Scan(&t.id, &t.hash, &t.chain)
	if errors.Is(err, sql.ErrNoRows) {
		return tail{chain: chainSHA256}, nil
	}
	return t, err
}

// appendTx appends e after last and returns the new tail. With a key, a trail
// not yet keyed first gets the anchor that starts the keyed chain.
func (l *Log) appendTx(ctx context.Context, tx *sql.Tx, last tail, e Entry) (tail, error) {
	if !l.key.IsSet() {
		if last.chain == chainHMACSM3 {
			return last, fmt.Errorf("%w (the keyed chain ends at row %d)", ErrNoKey, last.id)
		}
		unkeyedAppends.Inc()
		return insertRow(ctx, tx, last.hash, chainSHA256, e, chainHash(last.hash, e.Time.UnixNano(), e))
	}
	last, err := l.startChain(ctx, tx, last, e.Time)
	if err != nil {
		return last, err
	}
	return l.insertKeyed(ctx, tx, last, e)
}

// startChain appends the anchor that begins the keyed chain after last, unless
// the chain is keyed already. Its prev_hash is the last SHA-256 hash, so the
// unkeyed rows before it are covered by the key too: rebuilding their hashes
// after an edit changes the last one.
func (l *Log) startChain(ctx context.Context, tx *sql.Tx, last tail, at time.Time) (tail, error) {
	if last.chain == chainHMACSM3 {
		return last, nil
	}
	anchor := Entry{Time: at, User: systemUser, Action: ActionChainStart, Object: "key:" + l.key.ID(),
		Result: "success", Detail: fmt.Sprintf("审计链自此以 HMAC-SM3 密钥保护；此前最后一行 %d 的 SHA-256 为 %s",
			last.id, last.hash)}
	return l.insertKeyed(ctx, tx, last, anchor)
}

func (l *Log) insertKeyed(ctx context.Context, tx *sql.Tx, last tail, e Entry) (tail, error) {
	return insertRow(ctx, tx, last.hash, chainHMACSM3, e, chainMAC(l.mac, last.hash, e.Time.UnixNano(), e))
}

func insertRow(ctx context.Context, tx *sql.Tx, prev, chain string, e Entry, sum string) (tail, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_log (ts, username, role, action, object, remote_addr,
		result, detail, prev_hash, hash, chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Time.UnixNano(), e.User, string(e.Role), e.Action, e.Object, e.RemoteAddr, e.Result, e.Detail,
		prev, sum, chain)
	if err != nil {
		return tail{}, err
	}
	id, err := res.LastInsertId()
	return tail{id: id, hash: sum, chain: chain}, err
}

// chainHash is SHA-256 over the previous row's hash and this row's fields, each
// length-prefixed so that no two different rows encode alike (the unkeyed
// chain, kept for rows written before the key).
func chainHash(prev string, ts int64, e Entry) string {
	h := sha256.New()
	writeRow(h, "swanwatch-audit-v1", prev, ts, e)
	return hex.EncodeToString(h.Sum(nil))
}

// chainMAC is HMAC-SM3 over the same encoding under the key's chain key
// (newMAC is chainKey's result).
func chainMAC(newMAC func() hash.Hash, prev string, ts int64, e Entry) string {
	h := newMAC()
	writeRow(h, "swanwatch-audit-v2", prev, ts, e)
	return hex.EncodeToString(h.Sum(nil))
}

func writeRow(h hash.Hash, version, prev string, ts int64, e Entry) {
	writeField(h, version)
	writeField(h, prev)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(ts))
	h.Write(b[:])
	for _, f := range []string{e.User, string(e.Role), e.Action, e.Object, e.RemoteAddr, e.Result, e.Detail} {
		writeField(h, f)
	}
}

func writeField(h hash.Hash, s string) {
	var b [binary.MaxVarintLen64]byte
	h.Write(b[:binary.PutUvarint(b[:], uint64(len(s)))])
	h.Write([]byte(s))
}

// chainKey returns the HMAC-SM3 constructor of the chain under k.
func chainKey(k smcrypto.Key) func() hash.Hash { return k.MACFunc(macLabel) }

// macEqual compares in constant time: the MAC is what an attacker would guess.
func macEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// Writable says whether this Log can append to the trail as it is: a keyed
// trail refuses a Log without the key (ErrNoKey). A console command asks
// before it acts, so that nothing is done that the trail cannot record.
func (l *Log) Writable(ctx context.Context) error {
	last, err := readTail(ctx, l.db)
	if err != nil {
		return fmt.Errorf("read the audit trail: %w", err)
	}
	if !l.key.IsSet() && last.chain == chainHMACSM3 {
		return fmt.Errorf("%w (the keyed chain ends at row %d)", ErrNoKey, last.id)
	}
	return nil
}
