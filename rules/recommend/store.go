package recommend

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// MaxNote bounds an operator's reason, in runes.
const MaxNote = 2000

// maxListed caps List: more than that on one page helps nobody.
const maxListed = 5000

// Store keeps the recommendations in the state database.
type Store struct {
	db  *sql.DB
	ev  Evidence
	now func() time.Time
}

// NewStore opens the store. ev tells what the data shows of a VM (NewTSDBEvidence);
// now may be nil (time.Now).
func NewStore(db *statestore.DB, ev Evidence, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db.SQL(), ev: ev, now: now}
}

const columns = `id, vm, kind, system, dept, district, spec, target, keeper, priced, yuan, reason, state,
	first_month, last_month, done_month, proof, note, changed_by, changed_at`

func scan(row interface{ Scan(...any) error }) (Recommendation, error) {
	var r Recommendation
	var priced int
	var at int64
	err := row.Scan(&r.ID, &r.VM, &r.Kind, &r.System, &r.Dept, &r.District, &r.Spec, &r.Target, &r.Keeper, &priced,
		&r.Yuan, &r.Reason, &r.State, &r.FirstMonth, &r.LastMonth, &r.DoneMonth, &r.Proof, &r.Note, &r.ChangedBy, &at)
	r.Priced, r.ChangedAt = priced == 1, time.UnixMilli(at)
	r.KindWord, r.StateWord = kindWords[r.Kind], r.State.Word()
	return r, err
}

// Filter selects recommendations; empty fields match all.
type Filter struct {
	State  State
	System string
	Dept   string
}

// List returns the recommendations that match f, oldest first.
func (s *Store) List(ctx context.Context, f Filter) ([]Recommendation, error) {
	q := `SELECT ` + columns + ` FROM recommendations WHERE 1=1`
	var args []any
	for _, c := range []struct{ col, v string }{{"state", string(f.State)}, {"system", f.System}, {"dept", f.Dept}} {
		if c.v != "" {
			q += " AND " + c.col + " = ?"
			args = append(args, c.v)
		}
	}
	return s.query(ctx, q+fmt.Sprintf(" ORDER BY id LIMIT %d", maxListed), args...)
}

func (s *Store) query(ctx context.Context, q string, args ...any) ([]Recommendation, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list recommendations: %w", err)
	}
	defer rows.Close()
	out := []Recommendation{}
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("read recommendation: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Get returns one recommendation; ErrNotFound when there is none.
func (s *Store) Get(ctx context.Context, id int64) (Recommendation, error) {
	r, err := scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM recommendations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w（编号 %d）", ErrNotFound, id)
	}
	return r, err
}

// SetState is an operator's change: 已通知 from 待处理; 不采纳 from 待处理 or
// 已通知, with a reason; back to 待处理 from 已通知 or 不采纳. 已处理 is never
// set by hand: only the data proves it (Sync).
func (s *Store) SetState(ctx context.Context, id int64, to State, note, user string) (Recommendation, error) {
	note = strings.TrimSpace(note)
	if err := checkChange(to, note); err != nil {
		return Recommendation{}, err
	}
	cur, err := s.Get(ctx, id)
	if err != nil {
		return cur, err
	}
	if !allowed(cur.State, to) {
		return cur, badChange("建议当前为%s，不能改为%s", cur.State.Word(), to.Word())
	}
	res, err := s.db.ExecContext(ctx, `UPDATE recommendations SET state = ?, note = ?, changed_by = ?, changed_at = ?
		WHERE id = ? AND state = ?`, to, note, user, s.now().UnixMilli(), id, cur.State)
	if err != nil {
		return cur, fmt.Errorf("change recommendation %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return cur, badChange("建议的状态刚被他人修改，请刷新后重试")
	}
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_recommendation_changes_total{state=%q}`, to)).Inc()
	return s.Get(ctx, id)
}

func checkChange(to State, note string) error {
	switch {
	case to == Done:
		return badChange("已处理须由监测数据核实（已关机或规格已调整），不能手工设置")
	case to != Pending && to != Notified && to != Rejected:
		return badChange("状态须为 待处理、已通知 或 不采纳")
	case to == Rejected && note == "":
		return badChange("不采纳须填写原因")
	case utf8.RuneCountInString(note) > MaxNote:
		return badChange("原因不能超过 %d 字", MaxNote)
	}
	return nil
}

func allowed(from, to State) bool {
	switch to {
	case Notified:
		return from == Pending
	case Rejected:
		return from.Open()
	case Pending:
		return from == Notified || from == Rejected
	}
	return false
}
