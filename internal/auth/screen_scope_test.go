package auth_test

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

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
)

// The screen cookie opens the wall's reads and nothing else, even when a
// client sends it where the browser would not (its Path is /wall).
func TestScreenCookieOpensOnlyTheWall(t *testing.T) {
	w := newWall(t, false)
	cookie := auth.ScreenCookie + "=" + w.token
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/wall/", http.StatusOK},
		{"GET", "/wall/static/app.js", http.StatusOK},
		{"GET", "/wall/ws", http.StatusOK},
		{"HEAD", "/wall/", http.StatusOK},
		{"GET", "/api/v1/query?query=up", http.StatusUnauthorized},
		{"GET", "/wallpaper", http.StatusUnauthorized},
		{"POST", "/wall/ws", http.StatusUnauthorized},
		{"POST", "/api/v1/act", http.StatusUnauthorized},
		{"DELETE", "/api/v1/tokens?user=swanwatch-screens&name=大屏1", http.StatusUnauthorized},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, _ := w.send(t, w.browser(t), tc.method, tc.path, "Cookie", cookie)
			assert.Equal(t, tc.want, resp.StatusCode)
		})
	}
}

// A screen token presented as a bearer token is the screen on the wall and
// refused (403) everywhere else; an ordinary token is not a screen token.
func TestScreenTokenAsBearer(t *testing.T) {
	w := newWall(t, false)
	ctx := context.Background()
	apiToken, err := w.svc.CreateToken(ctx, "operator1", "grafana", 0)
	require.NoError(t, err)
	for _, tc := range []struct {
		name, token, method, path string
		want                      int
		body                      string
	}{
		{"screen on wall", w.token, "GET", "/wall/ws", http.StatusOK, "screen:大屏1 viewer screen"},
		{"screen on API", w.token, "GET", "/api/v1/query", http.StatusForbidden, "大屏令牌只能用于打开监控大屏"},
		{"screen writes", w.token, "POST", "/api/v1/act", http.StatusForbidden, "大屏令牌"},
		{"api token on wall", apiToken, "GET", "/wall/", http.StatusOK, "operator1 operator token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := w.send(t, w.browser(t), tc.method, tc.path, "Authorization", "Bearer "+tc.token)
			assert.Equal(t, tc.want, resp.StatusCode)
			assert.Contains(t, body, tc.body)
		})
	}
	resp, body := w.login(t, w.browser(t), apiToken, "大屏1")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "an API token is not a screen token")
	assert.Contains(t, body, "大屏令牌无效或已吊销")
}

func TestRevokedScreenIsRefusedAtTheNextRequest(t *testing.T) {
	w := newWall(t, false)
	c := w.browser(t)
	resp, _ := w.login(t, c, w.token, "大屏1")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = w.send(t, c, "GET", "/wall/ws")
	require.Equal(t, http.StatusOK, resp.StatusCode)

	upgrade := httptest.NewRequest("GET", "/wall/ws", nil)
	upgrade.AddCookie(&http.Cookie{Name: auth.ScreenCookie, Value: w.token})
	gone, cancel := context.WithCancel(context.Background())
	cancel() // the hub checks long after the upgrade's handler returned
	upgrade = upgrade.WithContext(gone)
	require.NoError(t, w.svc.ScreenStillValid(upgrade))

	before := counter(`swanwatch_auth_rejected_total{via="screen",reason="revoked"}`)
	require.NoError(t, w.svc.RevokeScreenToken(context.Background(), "大屏1"))
	err := w.svc.ScreenStillValid(upgrade)
	require.ErrorIs(t, err, auth.ErrBadCredentials)

	resp, body := w.send(t, c, "GET", "/wall/?screen=大屏1", "Accept", "text/html")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("WWW-Authenticate"), "no password dialog on the wall")
	assert.Contains(t, body, "大屏令牌无效或已吊销")
	resp, body = w.send(t, c, "GET", "/wall/ws")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, body, `"errorType":"unauthorized"`)
	resp, _ = w.login(t, w.browser(t), w.token, "大屏1")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Nil(t, screenCookie(resp), "no cookie for a revoked token")
	assert.Equal(t, before+4, counter(`swanwatch_auth_rejected_total{via="screen",reason="revoked"}`))
}

func TestWallLoginRefusesBadInput(t *testing.T) {
	w := newWall(t, false)
	for _, tc := range []struct {
		name, query string
		want        int
		counter     string
	}{
		{"no token", "screen=a", http.StatusUnauthorized, `swanwatch_auth_bad_input_total{kind="screen_token"}`},
		{"malformed", "token=swt_abc&screen=a", http.StatusUnauthorized, `swanwatch_auth_rejected_total{via="screen",reason="malformed"}`},
		{"unknown", "token=swt_" + strings.Repeat("A", 43) + "&screen=a", http.StatusUnauthorized, `swanwatch_auth_rejected_total{via="screen",reason="unknown"}`},
		{"bad screen", "token=" + w.token + "&screen=a/b", http.StatusBadRequest, `swanwatch_auth_bad_input_total{kind="screen_name"}`},
		{"bad scene", "token=" + w.token + "&scene=%3Cscript%3E", http.StatusBadRequest, `swanwatch_auth_bad_input_total{kind="screen_name"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := counter(tc.counter)
			resp, body := w.send(t, w.browser(t), "GET", "/wall/login?"+tc.query, "Accept", "text/html")
			assert.Equal(t, tc.want, resp.StatusCode)
			assert.Contains(t, body, "大屏")
			assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
			assert.Nil(t, screenCookie(resp))
			assert.Equal(t, before+1, counter(tc.counter))
		})
	}
}

// The screen changes nothing for sessions: CSRF on writes and the login's
// Origin check hold; on the wall the screen cookie wins over a session.
func TestCSRFAndOriginUnaffected(t *testing.T) {
	w := newWall(t, false)
	c := w.browser(t)
	resp, _ := w.login(t, c, w.token, "大屏1")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	body := `{"user":"operator1","password":"` + password + `"}`
	r, err := http.NewRequest("POST", w.srv.URL+"/api/v1/login", strings.NewReader(body))
	require.NoError(t, err)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Origin", "https://evil.example")
	resp, err = c.Do(r)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "cross-origin login still refused")

	r, err = http.NewRequest("POST", w.srv.URL+"/api/v1/login", strings.NewReader(body))
	require.NoError(t, err)
	r.Header.Set("Content-Type", "application/json")
	resp, err = c.Do(r)
	require.NoError(t, err)
	var lr struct {
		CSRF string `json:"csrf_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&lr))
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	resp, _ = w.send(t, c, "POST", "/api/v1/act")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "no CSRF header")
	resp, got := w.send(t, c, "POST", "/api/v1/act", auth.CSRFHeader, lr.CSRF)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "operator1 operator session", got)
	_, got = w.send(t, c, "GET", "/wall/")
	assert.Equal(t, "screen:大屏1 viewer screen", got, "the screen cookie first on the wall")
	_, got = w.send(t, c, "GET", "/api/v1/query")
	assert.Equal(t, "operator1 operator session", got)
}

// The token is in the login URL; it must reach neither the logs nor the
// audit trail, whether the login succeeds, fails or the store is down.
func TestScreenTokenStaysOutOfLogsAndAudit(t *testing.T) {
	w := newWall(t, false)
	ctx := context.Background()
	c := w.browser(t)
	resp, _ := w.login(t, c, w.token, "大屏1")
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	w.send(t, c, "GET", "/wall/")
	w.send(t, c, "POST", "/wall/ws", "Cookie", auth.ScreenCookie+"="+w.token) // audited write, refused
	require.NoError(t, w.svc.RevokeScreenToken(ctx, "大屏1"))
	resp, _ = w.login(t, w.browser(t), w.token, "大屏1")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	secret := strings.TrimPrefix(w.token, auth.TokenPrefix)
	entries, err := w.audit.Query(ctx, audit.Filter{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour), Limit: 100})
	require.NoError(t, err)
	var logins, actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
		row, err := json.Marshal(e)
		require.NoError(t, err)
		assert.NotContains(t, string(row), secret)
		if e.Action == "screen.login" {
			logins = append(logins, e.User+" "+e.Object+" "+e.Result+" "+e.Detail)
		}
	}
	assert.ElementsMatch(t, []string{"screen:大屏1 大屏1 success ", "screen:大屏1 大屏1 failure reason=revoked"}, logins)
	assert.Contains(t, actions, "POST /wall/ws", "the refused write is in the trail")
	require.NoError(t, w.db.Close()) // the store fails: the error is logged
	resp, body := w.login(t, w.browser(t), w.token, "大屏1")
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, body, "认证服务暂时不可用")
	assert.Equal(t, "30", resp.Header.Get("Refresh"), "the wall retries by itself")

	logs := w.logs.String()
	assert.Contains(t, logs, "wall login", "the failure was logged")
	assert.NotContains(t, logs, secret)
}
