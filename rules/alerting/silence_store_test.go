package alerting

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

func openSilences(t *testing.T, c *clock) (*Silences, *statestore.DB) {
	t.Helper()
	_, db := openStore(t, c)
	return NewSilences(db, c.now), db
}

func newSilence(t testing.TB, sel string, start, end time.Time) Silence {
	t.Helper()
	ms, err := ParseMatchers(sel)
	require.NoError(t, err)
	return Silence{Matchers: ms, StartsAt: start, EndsAt: end, CreatedBy: "张工", Comment: "光缆抢修"}
}

func TestSilenceStoreCreateRefuses(t *testing.T) {
	c := newClock()
	st, _ := openSilences(t, c)
	now := c.now()
	good := newSilence(t, `{district="灵宝市"}`, now, now.Add(time.Hour))
	for _, tc := range []struct {
		name    string
		edit    func(*Silence)
		wantErr string
	}{
		{"no comment", func(s *Silence) { s.Comment = "" }, "静默原因必填"},
		{"comment too long", func(s *Silence) { s.Comment = strings.Repeat("修", MaxSilenceComment+1) }, "longer than 2000"},
		{"end in the past", func(s *Silence) { s.StartsAt, s.EndsAt = now.Add(-2*time.Hour), now.Add(-time.Hour) }, "ends_at is in the past"},
		{"no end", func(s *Silence) { s.EndsAt = time.Time{} }, "ends_at is in the past"},
		{"over 30 days", func(s *Silence) { s.EndsAt = now.Add(MaxSilenceDuration + time.Minute) }, "30-day limit"},
		{"over 30 days from a future start", func(s *Silence) {
			s.StartsAt, s.EndsAt = now.Add(24*time.Hour), now.Add(24*time.Hour+MaxSilenceDuration+time.Second)
		}, "30-day limit"},
		{"no author", func(s *Silence) { s.CreatedBy = "" }, "created_by is required"},
		{"matches everything", func(s *Silence) { s.Matchers = Matchers{mustMatcher(t, "site", labelmatch.Regexp, ".*")} }, "needs at least one matcher"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := good
			tc.edit(&s)
			_, err := st.Create(context.Background(), s)
			require.ErrorIs(t, err, ErrInvalidSilence)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
	all, err := st.List(context.Background(), true)
	require.NoError(t, err)
	assert.Empty(t, all, "nothing refused was stored")
}

func TestSilenceStoreCreateDefaults(t *testing.T) {
	c := newClock()
	st, _ := openSilences(t, c)
	ctx := context.Background()
	s := newSilence(t, `{district="灵宝市",alertname=~"Link.*"}`, time.Time{}, c.now().Add(MaxSilenceDuration))
	s.ID = "chosen-by-caller"
	got, err := st.Create(ctx, s)
	require.NoError(t, err, "exactly 30 days is allowed")
	assert.Regexp(t, `^[0-9a-f]{16}$`, got.ID)
	assert.True(t, got.StartsAt.Equal(c.now()), "no start means now")

	past := newSilence(t, `{site="湖滨机房"}`, c.now().Add(-time.Hour), c.now().Add(time.Hour))
	got2, err := st.Create(ctx, past)
	require.NoError(t, err)
	assert.True(t, got2.StartsAt.Equal(c.now()), "a start in the past becomes now")
	assert.NotEqual(t, got.ID, got2.ID)

	list, err := st.List(ctx, false)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, got2.ID, list[0].ID, "newest first")
	assert.Equal(t, `{district="灵宝市",alertname=~"Link.*"}`, list[1].Matchers.String())
	assert.Equal(t, "光缆抢修", list[1].Comment)
	assert.Equal(t, "张工", list[1].CreatedBy)
}

func TestSilenceStoreExpire(t *testing.T) {
	c := newClock()
	st, _ := openSilences(t, c)
	ctx := context.Background()
	running, err := st.Create(ctx, newSilence(t, `{district="灵宝市"}`, c.now(), c.now().Add(time.Hour)))
	require.NoError(t, err)
	pending, err := st.Create(ctx, newSilence(t, `{district="卢氏县"}`, c.now().Add(time.Hour), c.now().Add(2*time.Hour)))
	require.NoError(t, err)
	c.add(10 * time.Minute)

	require.NoError(t, st.Expire(ctx, running.ID, "李工"))
	require.NoError(t, st.Expire(ctx, pending.ID, "李工"))
	err = st.Expire(ctx, running.ID, "王工")
	require.ErrorIs(t, err, ErrSilenceEnded)
	err = st.Expire(ctx, "0123456789abcdef", "王工")
	require.ErrorIs(t, err, ErrNoSilence)

	left, err := st.List(ctx, false)
	require.NoError(t, err)
	assert.Empty(t, left)
	all, err := st.List(ctx, true)
	require.NoError(t, err)
	require.Len(t, all, 2)
	for _, s := range all {
		assert.Equal(t, "李工", s.ExpiredBy)
		assert.True(t, s.EndsAt.Equal(c.now()), "ended now")
		assert.False(t, s.EndsAt.Before(s.StartsAt), "a pending silence ends no earlier than it starts")
	}
}

func TestSilenceStoreActive(t *testing.T) {
	c := newClock()
	st, _ := openSilences(t, c)
	ctx := context.Background()
	now := c.now()
	a, err := st.Create(ctx, newSilence(t, `{district="灵宝市"}`, now, now.Add(time.Hour)))
	require.NoError(t, err)
	b, err := st.Create(ctx, newSilence(t, `{alertname="LinkDown"}`, now.Add(30*time.Minute), now.Add(2*time.Hour)))
	require.NoError(t, err)
	hit := alert("x", true, "district", "灵宝市", "alertname", "LinkDown")
	for _, tc := range []struct {
		name string
		at   time.Duration
		want []string
	}{
		{"only the first has started", 0, []string{a.ID}},
		{"both", 45 * time.Minute, []string{a.ID, b.ID}},
		{"the first has ended", time.Hour, []string{b.ID}},
		{"none", 2 * time.Hour, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			act, err := st.Active(ctx, now.Add(tc.at))
			require.NoError(t, err)
			assert.ElementsMatch(t, tc.want, SilencedBy(act, hit, now.Add(tc.at)))
			assert.Len(t, st.parsed, len(tc.want), "the matcher cache holds only active silences")
		})
	}
}

func TestSilenceStoreActiveUsesTheIndex(t *testing.T) {
	c := newClock()
	_, db := openSilences(t, c)
	rows, err := db.SQL().Query(`EXPLAIN QUERY PLAN SELECT `+silenceCols+` FROM silences
		WHERE ends_at > ? AND starts_at <= ?`, 1, 1)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	assert.Contains(t, strings.Join(plan, "\n"), "USING INDEX silences_ends (ends_at>?)")
}

func TestSilenceStoreSkipsUnreadableRow(t *testing.T) {
	c := newClock()
	st, db := openSilences(t, c)
	ctx := context.Background()
	good, err := st.Create(ctx, newSilence(t, `{district="灵宝市"}`, c.now(), c.now().Add(time.Hour)))
	require.NoError(t, err)
	_, err = db.SQL().Exec(`INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at)
		VALUES ('bad', '{district=~"("}', ?, ?, 'x', 'y', ?)`, c.now().UnixMilli(), c.now().Add(time.Hour).UnixMilli(), c.now().UnixMilli())
	require.NoError(t, err)
	act, err := st.Active(ctx, c.now())
	require.NoError(t, err)
	require.Len(t, act, 1, "a corrupt row must not disable the other silences")
	assert.Equal(t, good.ID, act[0].ID)
}

func TestSilenceStoreListCap(t *testing.T) {
	c := newClock()
	st, db := openSilences(t, c)
	tx, err := db.SQL().Begin()
	require.NoError(t, err)
	for i := range maxSilencesListed + 5 {
		_, err := tx.Exec(`INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at)
			VALUES (?, '{a="b"}', 0, 1, 'x', 'y', ?)`, fmt.Sprint(i), i)
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
	all, err := st.List(context.Background(), true)
	require.NoError(t, err)
	require.Len(t, all, maxSilencesListed)
	assert.Equal(t, fmt.Sprint(maxSilencesListed+4), all[0].ID, "newest first")
}

func BenchmarkSilencesActive(b *testing.B) {
	c := newClock()
	db, err := statestore.Open(b.TempDir()+"/state.db", nil)
	require.NoError(b, err)
	defer db.Close()
	st := NewSilences(db, c.now)
	ctx := context.Background()
	for i := range 50 { // 50 running silences, 5,000 ended ones
		_, err := st.Create(ctx, newSilence(b, fmt.Sprintf(`{site=~"s%d|t.*",district="d"}`, i), c.now(), c.now().Add(time.Hour)))
		require.NoError(b, err)
	}
	_, err = db.SQL().Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 5000)
		INSERT INTO silences SELECT 'old'||i, '{a="b"}', 0, 1, 'x', 'y', 0, '' FROM n`)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.Active(ctx, c.now()); err != nil {
			b.Fatal(err)
		}
	}
}
