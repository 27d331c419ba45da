package audit

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/auth"
)

const pw = "Sanmenxia-2026"

type env struct {
	log    *Log
	url    string
	tokens map[string]string // user → API token: administrators use one, never Basic (MLPS: TOTP at login)
}

// newEnv wires auth and audit the way the server does: the audit middleware
// around the whole mux, auth's middleware per route, auth reporting security
// events to the audit log.
func newEnv(t *testing.T) *env {
	db := openDB(t)
	l := New(db, nil)
	svc := auth.New(db, auth.Options{Audit: l,
		Argon2: auth.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	ctx := context.Background()
	require.NoError(t, svc.AddUser(ctx, "viewer1", auth.RoleViewer, pw))
	require.NoError(t, svc.AddUser(ctx, "operator1", auth.RoleOperator, pw))
	require.NoError(t, svc.AddUser(ctx, "aud1", auth.RoleAuditor, pw))
	require.NoError(t, svc.AddUser(ctx, "sec1", auth.RoleSecadmin, pw))
	tokens := map[string]string{}
	for _, u := range []string{"aud1", "sec1"} {
		tok, err := svc.CreateToken(ctx, u, "test", 0)
		require.NoError(t, err)
		tokens[u] = tok
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/login", svc.ServeLogin)
	mux.Handle("POST /api/v1/logout", svc.Middleware(auth.RoleViewer)(http.HandlerFunc(svc.ServeLogout)))
	mux.Handle("POST /api/v1/tokens", svc.Middleware(auth.RoleSecadmin)(http.HandlerFunc(svc.ServeCreateToken)))
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.Handle("GET /api/v1/targets", svc.Middleware(auth.RoleViewer)(ok))
	mux.Handle("POST /api/v1/silences", svc.Middleware(auth.RoleOperator)(ok))
	mux.Handle("PUT /api/v1/panic", svc.Middleware(auth.RoleOperator)(http.HandlerFunc(
		func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })))
	mux.Handle("GET /api/v1/audit", svc.Middleware(auth.RoleAuditor)(l.QueryHandler()))
	// An open route whose path is its credential (a signed link): the handler vouches and describes.
	mux.HandleFunc("POST /ack/{token}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("token") == "good-secret-token" {
			auth.Vouch(r.Context(), auth.Principal{User: "李四（消息链接）", Via: auth.ViaLink})
			Describe(r, "incident 42", "确认")
		}
		_, _ = io.WriteString(w, "ok")
	})
	srv := httptest.NewServer(l.Middleware(mux))
	t.Cleanup(srv.Close)
	return &env{log: l, url: srv.URL, tokens: tokens}
}

func (e *env) do(t *testing.T, method, path, user, pass, body string) (int, string) {
	t.Helper()
	r, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	require.NoError(t, err)
	switch {
	case e.tokens[user] != "":
		r.Header.Set("Authorization", "Bearer "+e.tokens[user])
	case user != "":
		r.SetBasicAuth(user, pass)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return 0, err.Error() // the panicking handler aborts the connection
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func (e *env) all(t *testing.T) []Entry {
	t.Helper()
	es, err := e.log.Query(context.Background(), Filter{From: time.Unix(0, 0), To: time.Now().Add(time.Hour), Limit: 100})
	require.NoError(t, err)
	return es
}

func summary(es []Entry) []string {
	var out []string
	for i := len(es) - 1; i >= 0; i-- { // oldest first
		e := es[i]
		out = append(out, strings.Join([]string{e.User, string(e.Role), e.Action, e.Result, e.Detail}, "|"))
	}
	return out
}

func TestWritesAuditedReadsNot(t *testing.T) {
	e := newEnv(t)
	base := len(e.all(t)) // user.add events from setup
	steps := []struct {
		method, path, user, pass, body string
		want                           int
	}{
		{"GET", "/api/v1/targets", "viewer1", pw, "", 200},
		{"HEAD", "/api/v1/targets", "viewer1", pw, "", 200},
		{"POST", "/api/v1/silences", "operator1", pw, `{"secret":"s3cret-body"}`, 200},
		{"POST", "/api/v1/silences", "viewer1", pw, "", 403},
		{"POST", "/api/v1/silences", "", "", "", 401},
		{"POST", "/api/v1/login", "", "", `{"user":"operator1","password":"Wrong-Password-1"}`, 401},
		{"POST", "/api/v1/login", "", "", `{"user":"operator1","password":"` + pw + `"}`, 200},
		{"PUT", "/api/v1/panic", "operator1", pw, "", 0},
	}
	for _, s := range steps {
		code, body := e.do(t, s.method, s.path, s.user, s.pass, s.body)
		require.Equal(t, s.want, code, "%s %s: %s", s.method, s.path, body)
	}
	got := summary(e.all(t)[:len(e.all(t))-base])
	assert.Equal(t, []string{
		"operator1|operator|POST /api/v1/silences|200|via=basic",
		"viewer1|viewer|POST /api/v1/silences|403|via=basic",
		"||POST /api/v1/silences|401|",
		// A request row carries its start time, so it sorts before the event inside it.
		"||POST /api/v1/login|401|",
		"operator1|operator|login|failure|bad_password",
		"operator1|operator|POST /api/v1/login|200|via=password",
		"operator1|operator|login|success|",
		"operator1|operator|PUT /api/v1/panic|500|via=basic",
	}, got)
	for _, en := range e.all(t) {
		assert.NotContains(t, en.Detail+en.Action+en.Object, "s3cret", "bodies are never recorded")
		assert.NotContains(t, en.Detail+en.Action+en.Object, pw)
		if strings.HasPrefix(en.Action, "POST") {
			assert.Equal(t, "127.0.0.1", en.RemoteAddr)
		}
	}
	require.NoError(t, e.log.Verify(context.Background()))
}

// A handler on an open route names who acted and what it did; the row
// shows the route's pattern, never the credential in its path.
func TestVouchedAndDescribed(t *testing.T) {
	e := newEnv(t)
	base := len(e.all(t))
	code, _ := e.do(t, "POST", "/ack/good-secret-token", "", "", "")
	require.Equal(t, 200, code)
	code, _ = e.do(t, "POST", "/ack/forged", "", "", "")
	require.Equal(t, 200, code)
	all := e.all(t)
	got := all[:len(all)-base] // newest first
	require.Len(t, got, 2)
	got[0], got[1] = got[1], got[0]
	assert.Equal(t, "李四（消息链接）", got[0].User)
	assert.Equal(t, "POST /ack/{token}", got[0].Action)
	assert.Equal(t, "incident 42", got[0].Object)
	assert.Equal(t, "确认 via=link", got[0].Detail)
	assert.Empty(t, got[1].User, "not vouched: nobody")
	for _, en := range got {
		assert.NotContains(t, en.Action+en.Object+en.Detail, "good-secret-token")
	}
}

func TestLockoutAudited(t *testing.T) {
	e := newEnv(t)
	for range 5 {
		e.do(t, "GET", "/api/v1/targets", "viewer1", "Wrong-Password-1", "")
	}
	var results []string
	for _, en := range e.all(t) {
		if en.Action == "login" {
			results = append(results, en.Result)
		}
	}
	assert.Equal(t, []string{"locked", "failure", "failure", "failure", "failure"}, results, "newest first")
}

func TestQueryAPI(t *testing.T) {
	e := newEnv(t)
	e.do(t, "POST", "/api/v1/silences", "operator1", pw, "")
	e.do(t, "POST", "/api/v1/silences", "sec1", pw, "")
	from := url.QueryEscape(time.Now().Add(-time.Hour).Format(time.RFC3339))
	tests := []struct {
		name, user, query string
		want              int
		wantUsers         []string
	}{
		{"auditor filters by user", "aud1", "?user=operator1&from=" + from, 200, []string{"operator1"}},
		{"limit", "aud1", "?limit=1&user=operator1", 200, []string{"operator1"}},
		{"future window empty", "aud1", "?from=4102444800&to=4102448400", 200, nil},
		{"operator refused", "operator1", "", 403, nil},
		{"bad from", "aud1", "?from=yesterday", 400, nil},
		{"from after to", "aud1", "?from=200&to=100", 400, nil},
		{"limit too big", "aud1", "?limit=100000", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.do(t, "GET", "/api/v1/audit"+tt.query, tt.user, pw, "")
			require.Equal(t, tt.want, code, body)
			if code != 200 {
				return
			}
			var resp struct {
				Data struct{ Entries []Entry } `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(body), &resp))
			var users []string
			for _, en := range resp.Data.Entries {
				if strings.HasPrefix(en.Action, "POST /api/v1/silences") {
					users = append(users, en.User)
				}
				_, off := en.Time.Zone()
				assert.Equal(t, 8*3600, off, "times in Asia/Shanghai")
			}
			assert.Equal(t, tt.wantUsers, users)
		})
	}
}
