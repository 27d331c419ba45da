package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// The URL `screen token` prints logs a wall in on a server using the same
// state store; after `screen revoke` it no longer does.
func TestScreenTokenThenRevoke(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "swanwatch.yaml")
	require.NoError(t, os.WriteFile(file, []byte(
		"storage: {path: data}\nserver: {external_url: \"https://ops.smx.gov.cn/\"}\n"), 0o600))
	code, out, errs := runCLI(t, "", "screen", "token", "--config", file, "--name", "大屏1", "--screen", "lobby")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, errs, "shown once")
	wall, err := url.Parse(strings.TrimSpace(out))
	require.NoError(t, err)
	assert.Equal(t, "ops.smx.gov.cn", wall.Host)
	assert.Equal(t, "/wall/login", wall.Path)
	assert.Equal(t, "lobby", wall.Query().Get("screen"))
	require.True(t, strings.HasPrefix(wall.Query().Get("token"), auth.TokenPrefix))

	login := func() int {
		db, err := statestore.Open(filepath.Join(dir, "data", "state.db"), slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		defer db.Close()
		mux := http.NewServeMux()
		mux.HandleFunc("GET /wall/login", auth.New(db, auth.Options{}).ServeWallLogin)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", wall.RequestURI(), nil))
		return w.Code
	}
	assert.Equal(t, http.StatusSeeOther, login())

	code, _, errs = runCLI(t, "", "screen", "token", "--config", file, "--name", "大屏1")
	assert.Equal(t, 1, code, "a second active token of that name is refused")
	assert.Contains(t, errs, "already has an active token")
	code, out, errs = runCLI(t, "", "screen", "revoke", "--config", file, "--name", "大屏1")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "revoked")
	assert.Equal(t, http.StatusUnauthorized, login())
	code, _, _ = runCLI(t, "", "screen", "revoke", "--config", file, "--name", "大屏1")
	assert.Equal(t, 1, code, "nothing left to revoke")
}

func TestScreenCommandLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"no subcommand", []string{"screen"}, 2},
		{"unknown subcommand", []string{"screen", "list"}, 2},
		{"token without name", []string{"screen", "token"}, 2},
		{"revoke without name", []string{"screen", "revoke"}, 2},
		{"bad screen name", []string{"screen", "token", "--name", "a", "--screen", "a/b"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, _ := runCLI(t, "", tc.args...)
			assert.Equal(t, tc.code, code)
		})
	}
}
