package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/smcrypto"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// TestAuditVerifyDetectsAnEditedRow: the "done when" — keygen, a keyed
// trail, verify passes (exit 0), an edited row fails it (exit 1, the row named).
func TestAuditVerifyDetectsAnEditedRow(t *testing.T) {
	dir := t.TempDir()
	key, state := filepath.Join(dir, "audit.key"), filepath.Join(dir, "state.db")
	code, out, errs := runCLI(t, "", "audit", "keygen", "--key", key)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "mode 0600")
	code, _, errs = runCLI(t, "", "audit", "keygen", "--key", key)
	assert.Equal(t, 1, code, "an existing key is never overwritten")
	assert.Contains(t, errs, "already exists")

	k, err := smcrypto.LoadKeyFile(key)
	require.NoError(t, err)
	db, err := statestore.Open(state, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	l := audit.New(db, nil, audit.WithKey(k))
	for i := range 5 {
		require.NoError(t, l.Record(context.Background(), audit.Entry{User: "王芳", Action: "POST /api/v1/silences",
			Result: "200", Time: time.Date(2026, 12, 1, 9, i, 0, 0, time.UTC)}))
	}
	require.NoError(t, db.Close())

	code, out, errs = runCLI(t, "", "audit", "verify", "--state", state, "--key", key)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "校验通过：6 行")

	code, out, _ = runCLI(t, "", "audit", "export", "--state", state, "--key", key, "--from", "2026-12-01",
		"--to", "2026-12-02", "--format", "jsonl")
	require.Equal(t, 0, code)
	assert.Equal(t, 6, strings.Count(out, "\n"))

	tamper(t, state, "UPDATE audit_log SET result = '403' WHERE id = 4")
	code, out, errs = runCLI(t, "", "audit", "verify", "--state", state, "--key", key)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "校验失败：第 4 行（2026-12-01 17:02:00）")
	assert.Contains(t, errs, "row 4 does not match its MAC")

	code, _, _ = runCLI(t, "", "audit", "verify", "--state", state)
	assert.Equal(t, 2, code, "the key is required")
	require.NoError(t, os.Chmod(key, 0o644))
	code, _, errs = runCLI(t, "", "audit", "verify", "--state", state, "--key", key)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "chmod 600")
}

func tamper(t *testing.T, state, sql string) {
	t.Helper()
	db, err := statestore.Open(state, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.SQL().Exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_retention; " + sql)
	require.NoError(t, err)
}

func TestSecretSealUnseal(t *testing.T) {
	dir := t.TempDir()
	key, file := filepath.Join(dir, "secrets.key"), filepath.Join(dir, "community")
	require.NoError(t, smcrypto.GenerateKeyFile(key))
	require.NoError(t, os.WriteFile(file, []byte("Sanmenxia-public\n"), 0o600))
	code, _, errs := runCLI(t, "", "secret", "seal", "--key", key, file)
	require.Equal(t, 0, code, errs)
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), smcrypto.SealedPrefix))
	code, _, errs = runCLI(t, "", "secret", "unseal", "--key", key, file)
	require.Equal(t, 0, code, errs)
	b, err = os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, "Sanmenxia-public\n", string(b))
	code, _, _ = runCLI(t, "", "secret", "frob")
	assert.Equal(t, 2, code)
}

// TestConsoleActionsAudited: the console's account commands write to the
// trail keyed as the server keys it (audit.key_file), and refuse to act when
// the trail is keyed and this configuration has no key: nothing unaudited.
func TestConsoleActionsAudited(t *testing.T) {
	dir := t.TempDir()
	key, keyed, bare := filepath.Join(dir, "audit.key"), filepath.Join(dir, "keyed.yaml"), filepath.Join(dir, "bare.yaml")
	code, _, errs := runCLI(t, "", "audit", "keygen", "--key", key)
	require.Equal(t, 0, code, errs)
	require.NoError(t, os.WriteFile(keyed, []byte("storage: {path: data}\naudit: {key_file: audit.key}\n"), 0o600))
	require.NoError(t, os.WriteFile(bare, []byte("storage: {path: data}\n"), 0o600))

	code, _, errs = runCLI(t, "Str0ng-enough-pw\n", "user", "add", "--config", keyed, "--name", "anquan",
		"--role", "secadmin", "--password-stdin")
	require.Equal(t, 0, code, errs)
	code, out, errs := runCLI(t, "", "user", "reset-totp", "--config", keyed, "--name", "anquan")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "TOTP of anquan reset")
	code, _, errs = runCLI(t, "", "user", "reset-totp", "--config", keyed, "--name", "nobody")
	assert.Equal(t, 1, code, "an unknown account is an error")
	assert.Contains(t, errs, "nobody")

	code, out, errs = runCLI(t, "", "audit", "export", "--config", keyed, "--key", key, "--format", "jsonl",
		"--from", time.Now().Add(-time.Hour).Format(time.DateOnly), "--to", time.Now().Add(48*time.Hour).Format(time.DateOnly))
	require.Equal(t, 0, code, errs)
	for _, want := range []string{`"action":"user.add"`, `"action":"user.totp_reset"`, `"user":"console"`} {
		assert.Contains(t, out, want)
	}
	code, out, errs = runCLI(t, "", "audit", "verify", "--config", keyed, "--key", key)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "校验通过")

	code, _, errs = runCLI(t, "Str0ng-enough-pw\n", "user", "add", "--config", bare, "--name", "lisi",
		"--role", "operator", "--password-stdin")
	assert.Equal(t, 1, code, "a keyed trail and no key: refused before acting")
	assert.Contains(t, errs, "audit.key_file")
	code, _, _ = runCLI(t, "", "screen", "token", "--config", bare, "--name", "大屏9")
	assert.Equal(t, 1, code, "screen tokens likewise")
}
