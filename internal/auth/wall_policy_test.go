package auth

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

func TestSameOrigin(t *testing.T) {
	allowed := []string{"https://wall.sanmenxia.example"}
	for _, tc := range []struct {
		origin, host string
		want         bool
	}{
		{"http://sw.local:9330", "sw.local:9330", true},
		{"http://SW.local:9330", "sw.local:9330", true}, // host names are case-insensitive
		{"https://wall.sanmenxia.example", "sw.local:9330", true},
		{"", "sw.local:9330", false}, // a WebSocket from a page always says where it is from
		{"http://evil.example", "sw.local:9330", false},
		{"http://sw.local:9331", "sw.local:9330", false},
		{"http://sw.local:9330.evil.example", "sw.local:9330", false},
		{"null", "sw.local:9330", false},
		{"http://%zz", "sw.local:9330", false},
	} {
		r := httptest.NewRequest("GET", "/wall/ws", nil)
		r.Host = tc.host
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		assert.Equal(t, tc.want, SameOrigin(r, allowed), "origin %q on %s", tc.origin, tc.host)
	}
}

// A revoked token closes the screen; a state store that cannot answer does
// not (the wall keeps showing the city through a database fault).
func TestRecheckScreen(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	token, err := e.svc.CreateScreenToken(ctx, "大屏1")
	require.NoError(t, err)
	r := httptest.NewRequest("GET", "/wall/ws", nil)
	r.AddCookie(&http.Cookie{Name: ScreenCookie, Value: token})
	require.NoError(t, e.svc.RecheckScreen(r))
	require.NoError(t, e.svc.RevokeScreenToken(ctx, "大屏1"))
	require.ErrorIs(t, e.svc.RecheckScreen(r), ErrBadCredentials)

	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	svc := New(db, Options{Argon2: fastArgon})
	token, err = svc.CreateScreenToken(ctx, "大屏2")
	require.NoError(t, err)
	r = httptest.NewRequest("GET", "/wall/ws", nil)
	r.AddCookie(&http.Cookie{Name: ScreenCookie, Value: token})
	require.NoError(t, svc.RecheckScreen(r))
	require.NoError(t, db.Close()) // the state store fails every lookup from now on
	require.Error(t, svc.ScreenStillValid(r))
	assert.NoError(t, svc.RecheckScreen(r), "a fault is not a revocation")
}
