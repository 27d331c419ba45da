package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// BenchmarkInstantQueryDistrict runs the wall's per-district question over
// the reference estate's 3,000 agents, through the HTTP handler (parsing,
// engine, JSON), without the network.
func BenchmarkInstantQueryDistrict(b *testing.B) {
	f := &fixture{
		agents:  3000,
		start:   time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC),
		step:    30 * time.Second,
		points:  20,
		offline: func(i int) bool { return i%13 == 0 },
	}
	f.openDB(b)
	q := NewQuery(QueryOptions{Queryable: f.db})
	mux := http.NewServeMux()
	mount(q, mux)
	target := "/api/v1/query?" + url.Values{
		"query": {"avg by (district) (up)"},
		"time":  {fmt.Sprint(f.end().Unix())},
	}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
