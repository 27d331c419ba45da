package secret

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/smcrypto"
)

func keyFile(t *testing.T, dir, name string) (string, smcrypto.Key) {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, smcrypto.GenerateKeyFile(path))
	k, err := smcrypto.LoadKeyFile(path)
	require.NoError(t, err)
	return path, k
}

// useKey sets the process key for one test.
func useKey(t *testing.T, path string) {
	t.Helper()
	require.NoError(t, UseKeyFile(path))
	t.Cleanup(func() { sealKey.Store(nil) })
}

func TestSealedFileOpensTransparently(t *testing.T) {
	dir := t.TempDir()
	kpath, k := keyFile(t, dir, "secrets.key")
	file := filepath.Join(dir, "snmp_community")
	require.NoError(t, os.WriteFile(file, []byte(value+"\n"), 0o640))
	require.NoError(t, SealFile(k, file))

	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), value, "the file holds ciphertext only")
	assert.Regexp(t, `^swanwatch-sm4-gcm:v1:[A-Za-z0-9+/=]+\n$`, string(raw))
	fi, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm(), "the mode is kept")
	require.ErrorContains(t, SealFile(k, file), "sealed already")

	_, err = FromFile(file)
	require.ErrorContains(t, err, "no secrets.key_file is configured")

	useKey(t, kpath)
	before := sealedFiles.Get()
	s, err := FromFile(file)
	require.NoError(t, err)
	assert.Equal(t, value, s.Reveal())
	assert.Equal(t, before+1, sealedFiles.Get())

	require.NoError(t, UnsealFile(k, file))
	raw, err = os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, value+"\n", string(raw))
	require.ErrorContains(t, UnsealFile(k, file), "not sealed")
}

func TestSealedFileRefusesWrongKeyAndEdits(t *testing.T) {
	dir := t.TempDir()
	_, k := keyFile(t, dir, "a.key")
	other, _ := keyFile(t, dir, "b.key")
	file := filepath.Join(dir, "camera_password")
	require.NoError(t, os.WriteFile(file, []byte(value), 0o600))
	require.NoError(t, SealFile(k, file))
	useKey(t, other)
	before := openErrors.Get()
	_, err := FromFile(file)
	require.ErrorIs(t, err, smcrypto.ErrOpen)
	assert.NotContains(t, err.Error(), value)
	assert.Equal(t, before+1, openErrors.Get())

	useKey(t, filepath.Join(dir, "a.key"))
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	body, err := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.TrimPrefix(string(raw), smcrypto.SealedPrefix)))
	require.NoError(t, err)
	body[20] ^= 1 // one bit of the ciphertext
	altered := smcrypto.SealedPrefix + base64.StdEncoding.EncodeToString(body)
	require.NoError(t, os.WriteFile(file, []byte(altered), 0o600))
	_, err = FromFile(file)
	assert.ErrorIs(t, err, smcrypto.ErrOpen, "GCM refuses an altered file")
}

func TestPlainFileStillWorksAndIsCounted(t *testing.T) {
	dir := t.TempDir()
	kpath, _ := keyFile(t, dir, "secrets.key")
	useKey(t, kpath)
	file := filepath.Join(dir, "channel_key")
	require.NoError(t, os.WriteFile(file, []byte(value+"\n"), 0o600))
	before := plainFiles.Get()
	s, err := FromFile(file)
	require.NoError(t, err)
	assert.Equal(t, value, s.Reveal())
	assert.Equal(t, before+1, plainFiles.Get())
}

func TestUseKeyFileRefusesReadableKey(t *testing.T) {
	kpath, _ := keyFile(t, t.TempDir(), "secrets.key")
	require.NoError(t, os.Chmod(kpath, 0o644))
	assert.ErrorContains(t, UseKeyFile(kpath), "chmod 600")
	assert.Nil(t, sealKey.Load())
}
