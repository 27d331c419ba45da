package alerting

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/statestore"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// Limits of the silence store.
const (
	// MaxSilenceDuration caps a silence: a forgotten one must not mute the city for a year.
	MaxSilenceDuration = 30 * 24 * time.Hour
	// MaxSilenceComment bounds the reason, in runes.
	MaxSilenceComment = 2000
	// maxSilencesListed caps List: more than that on one page helps nobody.
	maxSilencesListed = 1000
)

// Errors of the silence store.
var (
	ErrNoSilence      = errors.New("no such silence")
	ErrSilenceEnded   = errors.New("silence has already ended")
	ErrInvalidSilence = errors.New("invalid silence")
)

// Silences keeps the silences (静默) in the state database, so they survive a
// restart and every instance of the notifier reads the same ones.
type Silences struct {
	db  *sql.DB
	now func() time.Time

	mu     sync.Mutex
	parsed map[string]Matchers // matcher text → compiled; Active runs every second
}

// NewSilences opens the store; now may be nil (time.Now).
func NewSilences(db *statestore.DB, now func() time.Time) *Silences {
	if now == nil {
		now = time.Now
	}
	return &Silences{db: db.SQL(), now: now, parsed: map[string]Matchers{}}
}

// Create checks and stores a new silence and returns it with its id. The id
// in s is ignored; a start in the past (or none) becomes now, as in Alertmanager.
func (st *Silences) Create(ctx context.Context, s Silence) (Silence, error) {
	now := time.UnixMilli(st.now().UnixMilli())
	if s.StartsAt.Before(now) {
		s.StartsAt = now
	}
	s.StartsAt, s.EndsAt = time.UnixMilli(s.StartsAt.UnixMilli()), time.UnixMilli(s.EndsAt.UnixMilli())
	s.ID, s.ExpiredBy = newSilenceID(), ""
	if err := checkNew(&s, now); err != nil {
		return Silence{}, err
	}
	_, err := st.db.ExecContext(ctx, `INSERT INTO silences (id, matchers, starts_at, ends_at, created_by,
		comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, s.ID, s.Matchers.String(), s.StartsAt.UnixMilli(),
		s.EndsAt.UnixMilli(), s.CreatedBy, s.Comment, now.UnixMilli())
	if err != nil {
		return Silence{}, fmt.Errorf("store silence: %w", err)
	}
	return s, nil
}

// checkNew adds the store's own rules to Silence.Validate: a reason, an end
// in the future and at most MaxSilenceDuration.
func checkNew(s *Silence, now time.Time) error {
	var err error
	switch n := utf8.RuneCountInString(s.Comment); {
	case n == 0:
		err = errors.New("comment is required: 静默原因必填")
	case n > MaxSilenceComment:
		err = fmt.Errorf("comment is longer than %d characters", MaxSilenceComment)
	case !s.EndsAt.After(now):
		err = errors.New("ends_at is in the past")
	case s.EndsAt.Sub(s.StartsAt) > MaxSilenceDuration:
		err = fmt.Errorf("lasts %s, longer than the %d-day limit: create a new silence when it runs out",
			s.EndsAt.Sub(s.StartsAt), MaxSilenceDuration/(24*time.Hour))
	}
	if err != nil {
		invalid("silence")
		return fmt.Errorf("%w: %w", ErrInvalidSilence, err)
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidSilence, err)
	}
	return nil
}

func newSilenceID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}

// Expire ends a silence now (解除静默) and records who did it. A silence that
// has not started yet ends before it begins.
func (st *Silences) Expire(ctx context.Context, id, user string) error {
	now := st.now().UnixMilli()
	res, err := st.db.ExecContext(ctx, `UPDATE silences SET ends_at = ?, expired_by = ?,
		starts_at = MIN(starts_at, ?) WHERE id = ? AND ends_at > ?`, now, user, now, id, now)
	if err != nil {
		return fmt.Errorf("expire silence %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var exists int
	err = st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM silences WHERE id = ?`, id).Scan(&exists)
	switch {
	case err != nil:
		return fmt.Errorf("expire silence %s: %w", id, err)
	case exists == 0:
		return fmt.Errorf("expire silence %q: %w", labelmatch.Clip(id), ErrNoSilence)
	}
	return fmt.Errorf("expire silence %s: %w", id, ErrSilenceEnded)
}

const silenceCols = `id, matchers, starts_at, ends_at, created_by, comment, expired_by`

// List returns the silences that have not ended (including those that start
// later), or all of them, newest first, at most 1000.
func (st *Silences) List(ctx context.Context, includeExpired bool) ([]Silence, error) {
	after := st.now().UnixMilli()
	if includeExpired {
		after = -1 << 62
	}
	rows, err := st.db.QueryContext(ctx, `SELECT `+silenceCols+` FROM silences WHERE ends_at > ?
		ORDER BY created_at DESC, rowid DESC LIMIT ?`, after, maxSilencesListed)
	if err != nil {
		return nil, fmt.Errorf("list silences: %w", err)
	}
	out, err := st.scan(rows, nil)
	if err != nil {
		return nil, fmt.Errorf("list silences: %w", err)
	}
	return out, nil
}

// Active returns the silences in force at now. The notifier calls it every
// second: one range scan of the ends_at index (ended silences are never
// read), and the matchers are compiled once per silence, not once per call.
func (st *Silences) Active(ctx context.Context, now time.Time) ([]Silence, error) {
	ms := now.UnixMilli()
	rows, err := st.db.QueryContext(ctx, `SELECT `+silenceCols+` FROM silences
		WHERE ends_at > ? AND starts_at <= ?`, ms, ms)
	if err != nil {
		return nil, fmt.Errorf("active silences: %w", err)
	}
	used := map[string]Matchers{}
	out, err := st.scan(rows, used)
	if err != nil {
		return nil, fmt.Errorf("active silences: %w", err)
	}
	st.mu.Lock()
	st.parsed = used // forget the matchers of silences that ended
	st.mu.Unlock()
	return out, nil
}

// scan reads silence rows; used, when not nil, collects the compiled matchers
// seen. A row whose matchers no longer parse is skipped and counted: one bad
// row must not disable every other silence.
func (st *Silences) scan(rows *sql.Rows, used map[string]Matchers) ([]Silence, error) {
	defer rows.Close()
	var out []Silence
	for rows.Next() {
		var s Silence
		var text string
		var start, end int64
		if err := rows.Scan(&s.ID, &text, &start, &end, &s.CreatedBy, &s.Comment, &s.ExpiredBy); err != nil {
			return nil, err
		}
		m, err := st.matchers(text)
		if err != nil {
			metrics.GetOrCreateCounter(`swanwatch_alerting_silence_rows_unreadable_total`).Inc()
			continue
		}
		if used != nil {
			used[text] = m
		}
		s.Matchers, s.StartsAt, s.EndsAt = m, time.UnixMilli(start), time.UnixMilli(end)
		out = append(out, s)
	}
	return out, rows.Err()
}

// matchers compiles a stored selector, from the cache when possible. Compiled
// matchers are immutable, so callers may share them; the slice is clipped so
// that an append by one caller never writes into another's.
func (st *Silences) matchers(text string) (Matchers, error) {
	st.mu.Lock()
	m, ok := st.parsed[text]
	st.mu.Unlock()
	if ok {
		return m[:len(m):len(m)], nil
	}
	m, err := ParseMatchers(text)
	if err != nil {
		return nil, err
	}
	return m[:len(m):len(m)], nil
}
