package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/smcrypto"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// With audit.key_file the server writes the keyed chain: the trail verifies
// with that key and not with another; a key file that is set and missing
// stops the start with the command that makes one.
func TestAuditTrailKeyedByTheKeyFile(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "audit.key")
	key, created, err := smcrypto.LoadOrCreateKeyFile(keyFile)
	require.NoError(t, err)
	require.True(t, created)
	s := startServer(t, `
server: {listen: "127.0.0.1:{{port}}"}
storage: {path: "{{dir}}/data"}
audit: {key_file: "{{key}}"}
`, map[string]string{"{{key}}": keyFile})
	resp, err := http.PostForm(s.url+"/api/v1/login", url.Values{"user": {"ops"}, "password": {"wrong"}})
	require.NoError(t, err)
	resp.Body.Close()
	require.NoError(t, s.stop())

	cfg, err := config.Load(s.file)
	require.NoError(t, err)
	db, err := statestore.Open(cfg.Storage.StateFile(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer db.Close()
	rep, err := audit.New(db, nil, audit.WithKey(key)).Check(context.Background())
	require.NoError(t, err, "the trail verifies with its key")
	assert.Positive(t, rep.KeyedRows, "the login refused is a keyed row")
	other, _, err := smcrypto.LoadOrCreateKeyFile(filepath.Join(t.TempDir(), "other.key"))
	require.NoError(t, err)
	_, err = audit.New(db, nil, audit.WithKey(other)).Check(context.Background())
	require.ErrorIs(t, err, audit.ErrWrongKey, "the rows are keyed, not plain SHA-256")

	missing := startErr(t, `
server: {listen: "127.0.0.1:0"}
storage: {path: "{{dir}}/data"}
audit: {key_file: "{{dir}}/none.key"}
`)
	assert.ErrorContains(t, missing, "swanwatch audit keygen --key")
}

// startErr runs the server on cfgYAML ({{dir}} filled in) and returns the
// error it stops with at start.
func startErr(t *testing.T, cfgYAML string) error {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "swanwatch.yaml")
	require.NoError(t, os.WriteFile(file, []byte(strings.ReplaceAll(cfgYAML, "{{dir}}", dir)), 0o600))
	cfg, err := config.Load(file)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = Run(ctx, Options{ConfigFile: file, Config: cfg, Logger: slog.New(slog.DiscardHandler),
		Ready: func(string) { t.Error("the server listened") }})
	require.Error(t, err)
	return err
}

// With secrets.key_file an administrator's TOTP secret stored plain (from
// before the key) is sealed with SM4 at start, and opens with that key.
func TestTOTPSecretsSealedWithTheSecretsKey(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secrets.key")
	key, _, err := smcrypto.LoadOrCreateKeyFile(keyFile)
	require.NoError(t, err)
	s := startServer(t, `
server: {listen: "127.0.0.1:{{port}}"}
storage: {path: "{{dir}}/data"}
`, map[string]string{})
	require.NoError(t, s.stop())
	cfg, err := config.Load(s.file)
	require.NoError(t, err)
	db, err := statestore.Open(cfg.Storage.StateFile(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	_, err = db.SQL().Exec(`UPDATE users SET totp_secret = 'plain:JBSWY3DPEHPK3PXP' WHERE name = 'sys'`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	b, err := os.ReadFile(s.file)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(s.file, append(b, []byte("secrets: {key_file: \""+keyFile+"\"}\n")...), 0o600))
	s.run(t)
	require.NoError(t, s.stop())

	db, err = statestore.Open(cfg.Storage.StateFile(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer db.Close()
	var stored string
	require.NoError(t, db.SQL().QueryRow(`SELECT totp_secret FROM users WHERE name = 'sys'`).Scan(&stored))
	require.True(t, strings.HasPrefix(stored, "sm4:"), "sealed at start: %.12s…", stored)
	plain, err := smcrypto.TextSealer{Key: key}.Open(strings.TrimPrefix(stored, "sm4:"))
	require.NoError(t, err)
	assert.Equal(t, "JBSWY3DPEHPK3PXP", string(plain))
}
