package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

func TestBearerTokenLifecycle(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.browser(t)
	// Tokens are the security administrator's: a session with TOTP.
	admin := req{header: map[string]string{CSRFHeader: e.adminLogin(t, c, "secadmin1")}}
	create := admin
	create.method, create.path = "POST", "/api/v1/tokens"
	create.body = `{"user":"viewer1","name":"grafana","ttl":"24h"}`
	resp, body := e.do(t, c, create)
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	var ct createTokenResponse
	require.NoError(t, json.Unmarshal([]byte(body), &ct))
	assert.Regexp(t, `^swt_[A-Za-z0-9_-]{43}$`, ct.Token)

	resp, body = e.do(t, c, create)
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "same active name twice: %s", body)

	resp, body = e.do(t, nil, req{method: "GET", path: "/api/v1/data", header: bearer(ct.Token)})
	assert.Equal(t, "viewer1 viewer token", body)
	resp, _ = e.do(t, nil, req{method: "POST", path: "/api/v1/act", header: bearer(ct.Token)})
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "token acts with its user's role; no CSRF needed")

	list := admin
	list.method, list.path = "GET", "/api/v1/tokens?user=viewer1"
	_, body = e.do(t, c, list)
	assert.Contains(t, body, `"name":"grafana"`)
	assert.NotContains(t, body, ct.Token, "secret shown only once")

	revoke := admin
	revoke.method, revoke.path = "DELETE", "/api/v1/tokens?user=viewer1&name=grafana"
	resp, _ = e.do(t, c, revoke)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, _ = e.do(t, c, revoke)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = e.do(t, nil, req{method: "GET", path: "/api/v1/data", header: bearer(ct.Token)})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "revoked")
}

func TestBearerTokenRefused(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	expiring, err := e.svc.CreateToken(ctx, "operator1", "short", time.Hour)
	require.NoError(t, err)
	forever, err := e.svc.CreateToken(ctx, "viewer1", "ci", 0)
	require.NoError(t, err)
	e.clk.Advance(time.Hour)
	require.NoError(t, e.svc.DisableUser(ctx, "viewer1"))
	tests := []struct {
		name, token, reason string
	}{
		{"expired", expiring, "expired"},
		{"user disabled", forever, "disabled"},
		{"unknown", TokenPrefix + newSecret(), "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := `swanwatch_auth_rejected_total{via="token",reason="` + tt.reason + `"}`
			before := counter(name)
			resp, _ := e.do(t, nil, req{method: "GET", path: "/api/v1/data", header: bearer(tt.token)})
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Equal(t, before+1, counter(name))
		})
	}
	_, err = e.svc.CreateToken(ctx, "nobody", "x", 0)
	assert.ErrorIs(t, err, ErrNoUser)
}

func TestBasicAuthAndCache(t *testing.T) {
	e := newEnv(t, Options{})
	hit, miss := `swanwatch_auth_basic_cache_total{result="hit"}`, `swanwatch_auth_basic_cache_total{result="miss"}`
	h0, m0 := counter(hit), counter(miss)
	for range 3 {
		resp, body := e.do(t, nil, req{method: "GET", path: "/api/v1/data", user: "viewer1", pass: goodPassword})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "viewer1 viewer basic", body)
	}
	assert.Equal(t, m0+1, counter(miss), "first request verifies")
	assert.Equal(t, h0+2, counter(hit), "the next ones hit the cache")

	e.clk.Advance(61 * time.Second)
	resp, _ := e.do(t, nil, req{method: "GET", path: "/api/v1/data", user: "viewer1", pass: goodPassword})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, m0+2, counter(miss), "cache entry expired after a minute")

	resp, _ = e.do(t, nil, req{method: "GET", path: "/api/v1/data", user: "viewer1", pass: "Wrong-pass-1"})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, `Basic realm="SwanWatch", charset="UTF-8"`, resp.Header.Get("WWW-Authenticate"))

	// A password change must not leave the old one usable through the cache.
	require.NoError(t, e.svc.SetPassword(context.Background(), "viewer1", "New-Password-2026"))
	resp, _ = e.do(t, nil, req{method: "GET", path: "/api/v1/data", user: "viewer1", pass: goodPassword})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = e.do(t, nil, req{method: "GET", path: "/api/v1/data", user: "viewer1", pass: "New-Password-2026"})
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestWrongPassword(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	require.NoError(t, e.svc.AddUser(ctx, "gone", RoleViewer, goodPassword))
	require.NoError(t, e.svc.DisableUser(ctx, "gone"))
	tests := []struct{ name, user, pass string }{
		{"wrong password", "viewer1", "Not-the-password1"},
		{"unknown user", "nobody", goodPassword},
		{"disabled user", "gone", goodPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.svc.Login(ctx, tt.user, tt.pass, "10.0.0.1:1")
			assert.ErrorIs(t, err, ErrBadCredentials)
			resp, lr := e.loginJSON(t, nil, tt.user, tt.pass)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Empty(t, lr.CSRFToken)
			assert.Nil(t, cookieNamed(resp, SessionCookie))
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Run("idle timeout", func(t *testing.T) {
		e := newEnv(t, Options{IdleTimeout: 30 * time.Minute})
		c := e.browser(t)
		e.loginJSON(t, c, "viewer1", goodPassword)
		e.clk.Advance(29 * time.Minute)
		resp, _ := e.do(t, c, req{method: "GET", path: "/api/v1/data"})
		require.Equal(t, http.StatusOK, resp.StatusCode, "use within the idle timeout")
		e.clk.Advance(29 * time.Minute)
		resp, _ = e.do(t, c, req{method: "GET", path: "/api/v1/data"})
		require.Equal(t, http.StatusOK, resp.StatusCode, "the last use restarted the idle timer")
		e.clk.Advance(31 * time.Minute)
		resp, _ = e.do(t, c, req{method: "GET", path: "/api/v1/data"})
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	})
	t.Run("absolute lifetime", func(t *testing.T) {
		e := newEnv(t, Options{SessionTTL: 12 * time.Hour})
		c := e.browser(t)
		e.loginJSON(t, c, "viewer1", goodPassword)
		start := e.clk.Now()
		for e.clk.Now().Sub(start) < 12*time.Hour-20*time.Minute {
			e.clk.Advance(20 * time.Minute)
			resp, _ := e.do(t, c, req{method: "GET", path: "/api/v1/data"})
			require.Equal(t, http.StatusOK, resp.StatusCode, "at %v", e.clk.Now().Sub(start))
		}
		e.clk.Advance(20 * time.Minute)
		resp, _ := e.do(t, c, req{method: "GET", path: "/api/v1/data"})
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "activity does not extend past 12h")
	})
}

func TestLockout(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	for i := 1; i <= 4; i++ {
		_, _, err := e.svc.Login(ctx, "operator1", "Wrong-pass-1", "10.0.0.9:1")
		require.ErrorIs(t, err, ErrBadCredentials, "attempt %d", i)
	}
	_, _, err := e.svc.Login(ctx, "operator1", "Wrong-pass-1", "10.0.0.9:1")
	var locked *LockedError
	require.ErrorAs(t, err, &locked, "fifth failure locks")
	assert.Equal(t, e.clk.Now().Add(5*time.Minute), locked.Until)

	resp, body := e.loginJSON(t, nil, "operator1", goodPassword)
	assert.Nil(t, cookieNamed(resp, SessionCookie))
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the right password is refused while locked")
	assert.Equal(t, "301", resp.Header.Get("Retry-After"))
	assert.Empty(t, body.CSRFToken, "no session while locked")
	resp, _ = e.do(t, nil, req{method: "GET", path: "/api/v1/data", user: "operator1", pass: goodPassword})
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "Basic auth shares the lockout")
	resp, _ = e.do(t, nil, req{method: "GET", path: "/api/v1/data", user: "viewer1", pass: goodPassword})
	assert.Equal(t, http.StatusOK, resp.StatusCode, "other users unaffected")

	e.clk.Advance(5*time.Minute + time.Second)
	_, _, err = e.svc.Login(ctx, "operator1", goodPassword, "10.0.0.9:1")
	require.NoError(t, err, "lock over")
	for i := 1; i <= 4; i++ {
		_, _, err := e.svc.Login(ctx, "operator1", "Wrong-pass-1", "10.0.0.9:1")
		require.True(t, errors.Is(err, ErrBadCredentials), "success reset the count; attempt %d: %v", i, err)
	}
}

func TestTrackPrincipalSeesInnerAuth(t *testing.T) {
	e := newEnv(t, Options{})
	mux := http.NewServeMux()
	mountAPI(e.svc, mux)
	var seen []string
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, get := TrackPrincipal(r.Context())
		mux.ServeHTTP(w, r.WithContext(ctx))
		p, ok := get()
		seen = append(seen, p.User+"/"+string(p.Via)+"/"+boolStr(ok))
	})
	srv := newServer(t, outer)
	c := e.browser(t)
	doURL(t, c, "POST", srv+"/api/v1/login", `{"user":"operator1","password":"`+goodPassword+`"}`)
	doURL(t, c, "GET", srv+"/api/v1/whoami", "")
	doURL(t, nil, "GET", srv+"/api/v1/whoami", "")
	assert.Equal(t, []string{"operator1/password/true", "operator1/session/true", "//false"}, seen)
}
