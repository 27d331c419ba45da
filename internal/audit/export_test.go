package audit

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/auth"
)

// TestExportHandlerAuditsItself: the download has the rows, and the auditor's
// export (and query) is a row of the trail too.
func TestExportHandlerAuditsItself(t *testing.T) {
	db := openDB(t)
	l := New(db, nil, WithKey(testKey(t)))
	fillAt(t, l, time.Now().Add(-10*time.Minute), 2)
	auditor := auth.Principal{User: "审计员", Role: auth.Role("auditor"), Via: auth.Via("session")}
	get := func(h http.Handler, target string) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(auth.WithPrincipal(context.Background(), auditor), "GET", target, nil)
		req.RemoteAddr = "10.1.2.3:5555"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := get(l.ExportHandler(), "/api/v1/audit/export?format=jsonl")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "application/x-ndjson; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Contains(t, rec.Header().Get("Content-Disposition"), ".jsonl")
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	require.Len(t, lines, 3, "anchor and 2 rows")
	var first ExportRow
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	assert.Equal(t, ActionChainStart, first.Action)
	assert.Equal(t, chainHMACSM3, first.Chain)

	rec = get(l.ExportHandler(), "/api/v1/audit/export")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, http.StatusBadRequest, get(l.ExportHandler(), "/api/v1/audit/export?format=xml").Code)
	require.Equal(t, http.StatusOK, get(l.QueryHandler(), "/api/v1/audit").Code)

	es, err := l.Query(context.Background(), Filter{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour),
		User: "审计员", Limit: 10})
	require.NoError(t, err)
	var actions []string
	for _, e := range es {
		actions = append(actions, e.Action+" "+e.Result+" "+e.RemoteAddr+" "+e.Detail)
	}
	assert.Equal(t, []string{"audit.query success 10.1.2.3 rows=5", "audit.export success 10.1.2.3 rows=4",
		"audit.export success 10.1.2.3 rows=3"}, actions, "newest first; the refused export wrote nothing")
	require.NoError(t, l.Verify(context.Background()))
}

func TestVerifyHandler(t *testing.T) {
	db := openDB(t)
	l := New(db, nil, WithKey(testKey(t)))
	fillAt(t, l, time.Now().Add(-time.Hour), 3)
	get := func() map[string]any {
		req := httptest.NewRequest("GET", "/api/v1/audit/verify", nil)
		rec := httptest.NewRecorder()
		l.VerifyHandler().ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		var resp struct {
			Data map[string]any `json:"data"`
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp))
		return resp.Data
	}
	d := get()
	assert.Equal(t, true, d["intact"])
	assert.EqualValues(t, 4, d["report"].(map[string]any)["rows"])
	dropTriggers(t, db)
	_, err := db.SQL().Exec("UPDATE audit_log SET username = 'x' WHERE id = 3")
	require.NoError(t, err)
	d = get()
	assert.Equal(t, false, d["intact"])
	assert.EqualValues(t, 3, d["broken"].(map[string]any)["id"])
	assert.Contains(t, d["broken"].(map[string]any)["what"], "does not match its MAC")
}
