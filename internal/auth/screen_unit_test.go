package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScreenAccount(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	_, err := e.svc.CreateScreenToken(ctx, "大屏1")
	require.NoError(t, err)
	_, err = e.svc.CreateScreenToken(ctx, "大屏2")
	require.NoError(t, err, "the account is made once and reused")
	users, err := e.svc.ListUsers(ctx)
	require.NoError(t, err)
	var role Role
	for _, u := range users {
		if u.Name == ScreenAccount {
			role = u.Role
		}
	}
	assert.Equal(t, RoleViewer, role)
	_, _, err = e.svc.Login(ctx, ScreenAccount, goodPassword, "127.0.0.1:1")
	require.ErrorIs(t, err, ErrBadCredentials, "nobody knows the account's password")

	tokens, err := e.svc.ListTokens(ctx, ScreenAccount)
	require.NoError(t, err)
	require.Len(t, tokens, 2)
	assert.Equal(t, "大屏1", tokens[0].Name)
	_, err = e.svc.CreateScreenToken(ctx, "大屏1")
	require.ErrorIs(t, err, ErrTokenExists)
	_, err = e.svc.CreateScreenToken(ctx, "大屏/1")
	var pe *PolicyError
	require.ErrorAs(t, err, &pe)
	require.NoError(t, e.svc.RevokeScreenToken(ctx, "大屏2"))
	require.ErrorIs(t, e.svc.RevokeScreenToken(ctx, "大屏2"), ErrNoToken)
}

func TestScreenAccountMustBeAViewer(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	require.NoError(t, e.svc.AddUser(ctx, ScreenAccount, RoleAdmin, goodPassword))
	_, err := e.svc.CreateScreenToken(ctx, "大屏1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "viewer")
}

func TestDisablingTheScreenAccountStopsEveryScreen(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	token, err := e.svc.CreateScreenToken(ctx, "大屏1")
	require.NoError(t, err)
	r := httptest.NewRequest("GET", "/wall/ws", nil)
	r.AddCookie(&http.Cookie{Name: ScreenCookie, Value: token})
	require.NoError(t, e.svc.ScreenStillValid(r))
	require.NoError(t, e.svc.DisableUser(ctx, ScreenAccount))
	require.ErrorIs(t, e.svc.ScreenStillValid(r), ErrBadCredentials)
}

func TestWallRead(t *testing.T) {
	for _, tc := range []struct {
		method, target string
		want           bool
	}{
		{"GET", "/wall", true},
		{"GET", "/wall/", true},
		{"HEAD", "/wall/static/echarts.min.js", true},
		{"GET", "/wall/ws", true},
		{"GET", "/wallpaper", false},
		{"GET", "/wall/../api/v1/query", false},
		{"GET", "/wall/%2e%2e/api/v1/query", false},
		{"GET", "/api/v1/query", false},
		{"POST", "/wall/ws", false},
		{"PUT", "/wall/", false},
		{"OPTIONS", "/wall/", false},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "http://swanwatch"+tc.target, nil)
			assert.Equal(t, tc.want, wallRead(r))
		})
	}
}

// FuzzWallLogin: whatever the query, the handler never panics, sets the
// cookie and redirects only for the one good token, redirects only to the
// wall, and never puts the token into the redirect.
func FuzzWallLogin(f *testing.F) {
	f.Add("", "大屏1", "")
	f.Add("GOOD", "大屏1", "wan")
	f.Add("GOOD", "../../api", "")
	f.Add("swt_"+strings.Repeat("A", 43), "a", "b")
	f.Add("GOOD", "x&token=GOOD", "%00")
	e := newEnv(f, Options{})
	good, err := e.svc.CreateScreenToken(context.Background(), "大屏1")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, token, screen, scene string) {
		token = strings.ReplaceAll(token, "GOOD", good)
		q := url.Values{"token": {token}, "screen": {screen}, "scene": {scene}}
		r := httptest.NewRequest("GET", "/wall/login?"+q.Encode(), nil)
		w := httptest.NewRecorder()
		e.svc.ServeWallLogin(w, r)
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther {
			assert.Empty(t, w.Header().Values("Set-Cookie"))
			return
		}
		assert.Equal(t, good, token)
		u, err := url.Parse(loc)
		require.NoError(t, err)
		assert.Equal(t, "/wall/", path.Clean(u.Path)+"/")
		assert.Empty(t, u.Host)
		assert.NotContains(t, loc, strings.TrimPrefix(good, TokenPrefix))
		assert.Equal(t, screen, u.Query().Get("screen"))
	})
}
