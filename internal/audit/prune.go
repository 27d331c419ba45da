package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Retention is the least age of a row Prune deletes: MLPS level 3 keeps the
// audit trail at least 180 days (the database's trigger refuses younger ones too).
const Retention = 180 * 24 * time.Hour

// Prune deletes the oldest rows, those before the first row written at or
// after before (at most now − Retention), and appends a prune record naming
// the first kept row and the MAC it follows, so that the kept trail still
// verifies and a head cut by anyone else does not. It needs the key.
func (l *Log) Prune(ctx context.Context, before time.Time) (int64, error) {
	if !l.key.IsSet() {
		return 0, fmt.Errorf("prune audit trail: %w", ErrNoKey)
	}
	now := l.now()
	if limit := now.Add(-Retention); before.After(limit) {
		before = limit
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune audit trail: %w", err)
	}
	deleted, err := l.pruneTx(ctx, tx, before, now)
	if err != nil {
		return 0, errors.Join(fmt.Errorf("prune audit trail: %w", err), tx.Rollback())
	}
	if deleted == 0 {
		return 0, tx.Rollback() // nothing old enough: no record either
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune audit trail: %w", err)
	}
	return deleted, nil
}

func (l *Log) pruneTx(ctx context.Context, tx *sql.Tx, before, now time.Time) (int64, error) {
	last, err := readTail(ctx, tx)
	if err != nil || last.id == 0 {
		return 0, err
	}
	if last, err = l.startChain(ctx, tx, last, now); err != nil {
		return 0, err
	}
	var keep sql.NullInt64 // rows are cut as a prefix by id: ts is not sorted by id
	if err = tx.QueryRowContext(ctx, "SELECT min(id) FROM audit_log WHERE ts >= ?", before.UnixNano()).
		Scan(&keep); err != nil {
		return 0, err
	}
	var firstID int64
	if err = tx.QueryRowContext(ctx, "SELECT min(id) FROM audit_log").Scan(&firstID); err != nil {
		return 0, err
	}
	if keep.Valid && keep.Int64 == firstID {
		return 0, nil
	}
	keptID, keptPrev := last.id+1, last.hash // everything goes: the prune record is first
	if keep.Valid {
		keptID = keep.Int64
		if err = tx.QueryRowContext(ctx, "SELECT prev_hash FROM audit_log WHERE id = ?", keptID).
			Scan(&keptPrev); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM audit_log WHERE id < ?", keptID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	rec := Entry{Time: now, User: systemUser, Action: ActionPrune, Result: "success",
		Object: pruneObject(keptID, keptPrev, l.key.ID()),
		Detail: fmt.Sprintf("按保留期删除 %d 行（%s 之前写入）；保留期不少于 180 天", n,
			before.In(shanghai).Format(time.DateTime))}
	if !keep.Valid {
		// The record's own id must be the one it names: with AUTOINCREMENT it is
		// the sequence's next, which this transaction holds.
		var seq int64
		if err = tx.QueryRowContext(ctx, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").
			Scan(&seq); err != nil {
			return 0, err
		}
		rec.Object = pruneObject(seq+1, keptPrev, l.key.ID())
	}
	_, err = l.insertKeyed(ctx, tx, last, rec)
	return n, err
}
