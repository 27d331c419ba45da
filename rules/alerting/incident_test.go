package alerting

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// clock is a settable time source for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func newClock() *clock               { return &clock{t: time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)} }
func linkDown(fp, district string) Alert {
	return Alert{Fingerprint: fp, Firing: true,
		Labels:      map[string]string{"alertname": "LinkDown", "severity": "critical", "district": district, "link": fp},
		Annotations: map[string]string{"summary": "链路中断 " + fp}}
}

func openStore(t *testing.T, c *clock) (*Incidents, *statestore.DB) {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return NewIncidents(db, c.now), db
}

func TestIncidentLifecycle(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, c)
	ctx := context.Background()
	a := linkDown("lb-t003", "灵宝市")
	a.StartsAt = c.now()

	inc, created, err := s.Fire(ctx, a)
	require.NoError(t, err)
	assert.True(t, created)
	c.add(time.Minute)
	again, created, err := s.Fire(ctx, a)
	require.NoError(t, err)
	assert.False(t, created, "a repeated firing refreshes the open incident")
	assert.Equal(t, inc.ID, again.ID)

	c.add(4 * time.Minute)
	acked, err := s.Ack(ctx, inc.ID, "zhangsan")
	require.NoError(t, err)
	mtta, ok := acked.MTTA()
	require.True(t, ok)
	assert.Equal(t, 5*time.Minute, mtta)
	_, err = s.Ack(ctx, inc.ID, "lisi")
	assert.ErrorIs(t, err, ErrAlreadyAcked, "the first responder's time is kept")

	c.add(25 * time.Minute)
	res, ok, err := s.Resolve(ctx, a.Fingerprint, c.now())
	require.NoError(t, err)
	require.True(t, ok)
	mttr, _ := res.MTTR()
	assert.Equal(t, 30*time.Minute, mttr)
	_, ok, err = s.Resolve(ctx, a.Fingerprint, c.now())
	require.NoError(t, err)
	assert.False(t, ok, "nothing open any more")

	tl, err := s.Timeline(ctx, inc.ID)
	require.NoError(t, err)
	kinds := []string{}
	for _, e := range tl {
		kinds = append(kinds, e.Kind+"/"+e.Actor)
	}
	assert.Equal(t, []string{"fired/system", "acked/zhangsan", "resolved/system"}, kinds)

	next, created, err := s.Fire(ctx, a)
	require.NoError(t, err)
	assert.True(t, created, "firing after resolution is a new incident")
	assert.NotEqual(t, inc.ID, next.ID)
	_, err = s.Ack(ctx, inc.ID, "lisi")
	assert.ErrorIs(t, err, ErrNotOpen)
}

func TestIncidentsSurviveReopen(t *testing.T) {
	c := newClock()
	dir := t.TempDir()
	db, err := statestore.Open(filepath.Join(dir, "state.db"), nil)
	require.NoError(t, err)
	inc, _, err := NewIncidents(db, c.now).Fire(context.Background(), linkDown("x", "卢氏县"))
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db, err = statestore.Open(filepath.Join(dir, "state.db"), nil)
	require.NoError(t, err)
	defer db.Close()
	got, err := NewIncidents(db, c.now).Get(context.Background(), inc.ID)
	require.NoError(t, err)
	assert.Equal(t, "卢氏县", got.Labels["district"])
	assert.True(t, got.Open())
	_, err = NewIncidents(db, c.now).Get(context.Background(), 999)
	assert.ErrorIs(t, err, ErrNoIncident)
}

func TestHistoryCannotBeDeletedWithin180Days(t *testing.T) {
	c := &clock{t: time.Now()}
	s, db := openStore(t, c)
	_, _, err := s.Fire(context.Background(), linkDown("y", "义马市"))
	require.NoError(t, err)
	_, err = db.SQL().Exec(`DELETE FROM incidents`)
	assert.ErrorContains(t, err, "180 days")
}

func TestListAndAggregate(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, c)
	ctx := context.Background()
	// 灵宝市: acked after 2 and 4 minutes, resolved after 10 and 20; 卢氏县: open, unacked.
	for i, spec := range []struct {
		fp, district string
		ack, resolve time.Duration
	}{{"a", "灵宝市", 2 * time.Minute, 10 * time.Minute}, {"b", "灵宝市", 4 * time.Minute, 20 * time.Minute}, {"c", "卢氏县", 0, 0}} {
		start := c.now().Add(time.Duration(i) * time.Hour)
		a := linkDown(spec.fp, spec.district)
		a.StartsAt = start
		inc, _, err := s.Fire(ctx, a)
		require.NoError(t, err)
		if spec.ack > 0 {
			c.t = start.Add(spec.ack)
			_, err = s.Ack(ctx, inc.ID, "duty")
			require.NoError(t, err)
			_, _, err = s.Resolve(ctx, spec.fp, start.Add(spec.resolve))
			require.NoError(t, err)
		}
	}
	all, err := s.List(ctx, IncidentFilter{})
	require.NoError(t, err)
	require.Len(t, all, 3)
	open, err := s.List(ctx, IncidentFilter{OpenOnly: true})
	require.NoError(t, err)
	require.Len(t, open, 1)
	lb, err := s.List(ctx, IncidentFilter{Labels: map[string]string{"district": "灵宝市"}})
	require.NoError(t, err)
	require.Len(t, lb, 2)

	stats := Aggregate(all, "district")
	require.Len(t, stats, 2)
	assert.Equal(t, "卢氏县", stats[0].Key)
	assert.Equal(t, 0, stats[0].Acked)
	assert.Equal(t, ResponseStats{Key: "灵宝市", Count: 2, Acked: 2, Resolved: 2, MTTA: 3 * time.Minute,
		MTTR: 15 * time.Minute, BySeverity: map[Severity]int{Critical: 2}}, stats[1])
}

func TestIncidentAPIListsEmptyAsEmptyArray(t *testing.T) {
	s, _ := openStore(t, newClock())
	mux := http.NewServeMux()
	incAPI := NewIncidentAPI(s, func(*http.Request) string { return "x" })
	mux.HandleFunc("GET /api/v1/incidents", incAPI.List)
	mux.HandleFunc("GET /api/v1/incidents/stats", incAPI.Stats)
	mux.HandleFunc("GET /api/v1/incidents/{id}", incAPI.Get)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/incidents?open=1", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"status":"success","data":{"incidents":[]}}`, rec.Body.String())
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/incidents/abc", nil))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/incidents/42", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
}
