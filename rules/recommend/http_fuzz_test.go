package recommend

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/report"
)

// FuzzSetStateBody: any body is answered 200, 400, 404 or 413 with JSON,
// never 5xx; a change is made only by a valid body, and never to 已处理.
func FuzzSetStateBody(f *testing.F) {
	for _, s := range []string{`{"state":"已通知"}`, `{"state":"不采纳","reason":"x"}`, `{"state":"done"}`, `{`, `null`,
		`{"state":"pending","reason":"` + strings.Repeat("长", 3000) + `"}`} {
		f.Add(s)
	}
	db, err := statestore.Open(filepath.Join(f.TempDir(), "state.db"), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = db.Close() })
	st := NewStore(db, nil, func() time.Time { return time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC) })
	ctx := context.Background()
	if _, err := st.Sync(ctx, "2026-10", []report.Finding{finding("vm-a", KindShutDown, report.Pricing{Spec: "2C4G", Known: true, Yuan: 127})}); err != nil {
		f.Fatal(err)
	}
	api := NewAPI(st, func(*http.Request) string { return "fuzz" })
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/api/v1/recommendations/1/state", strings.NewReader(body))
		req.SetPathValue("id", "1")
		w := httptest.NewRecorder()
		api.SetState(w, req)
		switch w.Code {
		case 200, 400, 404, 413:
		default:
			t.Fatalf("%q: status %d: %s", body, w.Code, w.Body)
		}
		r, err := st.Get(ctx, 1)
		if err != nil || r.State == Done {
			t.Fatalf("%q: %v %s", body, err, r.State)
		}
	})
}
