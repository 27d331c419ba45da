package alerting

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reply is the JSON envelope the APIs answer with.
type reply struct {
	Status string          `json:"status"`
	Error  string          `json:"error"`
	Data   json.RawMessage `json:"data"`
}

func do(t *testing.T, mux *http.ServeMux, method, path, body string) (int, reply) {
	t.Helper()
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
	var r reply
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &r), rec.Body.String())
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	return rec.Code, r
}

func silenceMux(t *testing.T, c *clock) (*http.ServeMux, *Silences) {
	t.Helper()
	st, _ := openSilences(t, c)
	mux := http.NewServeMux()
	api := NewSilenceAPI(st, func(*http.Request) string { return "zhangsan" })
	mux.HandleFunc("GET /api/v1/silences", api.List)
	mux.HandleFunc("POST /api/v1/silences", api.Create)
	mux.HandleFunc("DELETE /api/v1/silences/{id}", api.Expire)
	return mux, st
}

func TestSilenceAPICreate(t *testing.T) {
	c := newClock()
	mux, st := silenceMux(t, c)
	code, r := do(t, mux, http.MethodPost, "/api/v1/silences",
		`{"matchers":"{district=\"灵宝市\",alertname=~\"Wan.*\"}","duration":"2h","comment":"光缆迁改","created_by":"mallory"}`)
	require.Equal(t, http.StatusBadRequest, code, "created_by is not a field of the body")
	assert.Contains(t, r.Error, `unknown field "created_by"`)

	code, r = do(t, mux, http.MethodPost, "/api/v1/silences",
		`{"matchers":"{district=\"灵宝市\",alertname=~\"Wan.*\"}","duration":"2h","comment":"光缆迁改"}`)
	require.Equal(t, http.StatusCreated, code, r.Error)
	var created struct{ Silence Silence }
	require.NoError(t, json.Unmarshal(r.Data, &created))
	assert.Equal(t, "zhangsan", created.Silence.CreatedBy, "the author is the session's user")
	assert.True(t, created.Silence.EndsAt.Equal(c.now().Add(2*time.Hour)))

	code, r = do(t, mux, http.MethodPost, "/api/v1/silences",
		`{"matchers":"site=湖滨机房","starts_at":"2026-11-27T15:00:00+08:00","ends_at":"2026-11-27T18:00:00+08:00","comment":"机房断电检修"}`)
	require.Equal(t, http.StatusCreated, code, r.Error)

	code, r = do(t, mux, http.MethodGet, "/api/v1/silences", "")
	require.Equal(t, http.StatusOK, code)
	var listed struct{ Silences []Silence }
	require.NoError(t, json.Unmarshal(r.Data, &listed))
	require.Len(t, listed.Silences, 2)
	assert.Equal(t, "机房断电检修", listed.Silences[0].Comment)
	assert.Equal(t, "2026-11-27T07:00:00Z", listed.Silences[0].StartsAt.UTC().Format(time.RFC3339))
	act, err := st.Active(context.Background(), c.now())
	require.NoError(t, err)
	assert.Len(t, act, 1, "the second one starts at 15:00")
}

func TestSilenceAPIRefuses(t *testing.T) {
	c := newClock()
	mux, _ := silenceMux(t, c)
	for _, tc := range []struct {
		name, body string
		code       int
		wantErr    string
	}{
		{"no comment", `{"matchers":"site=a","duration":"1h"}`, 400, "静默原因必填"},
		{"blank comment", `{"matchers":"site=a","duration":"1h","comment":"  "}`, 400, "静默原因必填"},
		{"bad matcher", `{"matchers":"{site=~\"(\"}","duration":"1h","comment":"x"}`, 400, `label site: bad regexp "("`},
		{"unknown field", `{"matchers":"site=a","duration":"1h","comment":"x","silent":true}`, 400, `unknown field "silent"`},
		{"not JSON", `matchers=site`, 400, "bad JSON body"},
		{"two values", `{"matchers":"site=a","duration":"1h","comment":"x"}{}`, 400, "more than one value"},
		{"no end", `{"matchers":"site=a","comment":"x"}`, 400, "ends_at or duration is required"},
		{"both ends", `{"matchers":"site=a","comment":"x","duration":"1h","ends_at":"2026-11-27T18:00:00+08:00"}`, 400, "not both"},
		{"bad duration", `{"matchers":"site=a","comment":"x","duration":"forever"}`, 400, "must be positive"},
		{"negative duration", `{"matchers":"site=a","comment":"x","duration":"-1h"}`, 400, "must be positive"},
		{"bad time", `{"matchers":"site=a","comment":"x","ends_at":"tomorrow"}`, 400, "RFC 3339"},
		{"past end", `{"matchers":"site=a","comment":"x","ends_at":"2026-11-27T13:00:00+08:00"}`, 400, "ends_at is in the past"},
		{"31 days", `{"matchers":"site=a","comment":"x","duration":"31d"}`, 400, "30-day limit"},
		{"mutes everything", `{"matchers":"site=~\".*\"","comment":"x","duration":"1h"}`, 400, "needs at least one matcher"},
		{"oversized", `{"matchers":"site=a","duration":"1h","comment":"` + strings.Repeat("x", maxBody) + `"}`, 413, "larger than 64 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r := do(t, mux, http.MethodPost, "/api/v1/silences", tc.body)
			assert.Equal(t, tc.code, code)
			assert.Equal(t, "error", r.Status)
			assert.Contains(t, r.Error, tc.wantErr)
		})
	}
	code, r := do(t, mux, http.MethodGet, "/api/v1/silences?all=1", "")
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"silences":[]}`, string(r.Data), "nothing refused was stored; empty is []")
}

func TestSilenceAPIExpire(t *testing.T) {
	c := newClock()
	mux, st := silenceMux(t, c)
	s, err := st.Create(context.Background(), newSilence(t, `{district="灵宝市"}`, c.now(), c.now().Add(time.Hour)))
	require.NoError(t, err)
	for _, tc := range []struct {
		name, id string
		code     int
	}{
		{"expire", s.ID, http.StatusOK},
		{"again", s.ID, http.StatusConflict},
		{"unknown", "0123456789abcdef", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r := do(t, mux, http.MethodDelete, "/api/v1/silences/"+tc.id, "")
			assert.Equal(t, tc.code, code, r.Error)
		})
	}
	code, r := do(t, mux, http.MethodGet, "/api/v1/silences?all=1", "")
	require.Equal(t, http.StatusOK, code)
	var listed struct{ Silences []Silence }
	require.NoError(t, json.Unmarshal(r.Data, &listed))
	require.Len(t, listed.Silences, 1)
	assert.Equal(t, "zhangsan", listed.Silences[0].ExpiredBy)
	code, r = do(t, mux, http.MethodGet, "/api/v1/silences", "")
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"silences":[]}`, string(r.Data))
}

func TestIncidentAPINotes(t *testing.T) {
	c := newClock()
	s, _ := openStore(t, c)
	inc, _, err := s.Fire(context.Background(), linkDown("lb-t003", "灵宝市"))
	require.NoError(t, err)
	mux := http.NewServeMux()
	incAPI := NewIncidentAPI(s, func(*http.Request) string { return "lisi" })
	mux.HandleFunc("POST /api/v1/incidents/{id}/ack", incAPI.Ack)
	mux.HandleFunc("POST /api/v1/incidents/{id}/notes", incAPI.Note)
	path := "/api/v1/incidents/" + jsonNum(inc.ID) + "/notes"
	for _, tc := range []struct {
		name, path, body string
		code             int
		wantErr          string
	}{
		{"note", path, `{"text":"已通知电信抢修，预计17:00恢复"}`, 200, ""},
		{"empty", path, `{"text":"   "}`, 400, "处置记录不能为空"},
		{"too long", path, `{"text":"` + strings.Repeat("修", maxNote+1) + `"}`, 400, "at most 2000"},
		{"longest", path, `{"text":"` + strings.Repeat("修", maxNote) + `"}`, 200, ""},
		{"unknown field", path, `{"text":"x","actor":"mallory"}`, 400, `unknown field "actor"`},
		{"oversized", path, `{"text":"` + strings.Repeat("x", maxBody) + `"}`, 413, "larger than"},
		{"unknown incident", "/api/v1/incidents/999/notes", `{"text":"x"}`, 404, "no such incident"},
		{"bad id", "/api/v1/incidents/abc/notes", `{"text":"x"}`, 400, "must be a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, r := do(t, mux, http.MethodPost, tc.path, tc.body)
			assert.Equal(t, tc.code, code, r.Error)
			assert.Contains(t, r.Error, tc.wantErr)
		})
	}
	tl, err := s.Timeline(context.Background(), inc.ID)
	require.NoError(t, err)
	var notes []TimelineEntry
	for _, e := range tl {
		if e.Kind == "note" {
			notes = append(notes, e)
		}
	}
	require.Len(t, notes, 2)
	assert.Equal(t, TimelineEntry{At: notes[0].At, Kind: "note", Actor: "lisi", Detail: "已通知电信抢修，预计17:00恢复"}, notes[0])
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }

// FuzzDecodeSilenceRequest: any body either decodes to a silence that the
// store's checks can judge, or is refused with an error; it never panics.
func FuzzDecodeSilenceRequest(f *testing.F) {
	for _, s := range []string{
		`{"matchers":"{district=\"灵宝市\",alertname=~\"Wan.*\"}","duration":"2h","comment":"光缆迁改"}`,
		`{"matchers":"site=a","starts_at":"2026-11-27T15:00:00+08:00","ends_at":"2026-11-27T18:00:00+08:00","comment":"x"}`,
		`{"matchers":"site=a","duration":"3d","comment":"x"}`,
		`{"matchers":"{a=~\"(\"}","duration":"1h","comment":"x"}`, `{"x":1}`, `[]`, `null`, `{}{}`,
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string) {
		s, err := decodeSilenceRequest(strings.NewReader(body), now)
		if err != nil {
			return
		}
		require.NotEmpty(t, strings.TrimSpace(s.Comment))
		require.True(t, utf8.ValidString(s.Comment))
		require.False(t, s.EndsAt.IsZero())
		_, err = ParseMatchers(s.Matchers.String())
		require.NoError(t, err, "what was accepted prints back to a parsable selector")
	})
}
