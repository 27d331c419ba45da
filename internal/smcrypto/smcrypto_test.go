package smcrypto

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The standards' own example vectors: the library computes SM3 (GB/T 32905,
// example 1) and SM4 (GB/T 32907, example 1) as published.
func TestStandardVectors(t *testing.T) {
	sum := sm3.Sum([]byte("abc"))
	assert.Equal(t, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", hex.EncodeToString(sum[:]))
	key, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	block, err := sm4.NewCipher(key)
	require.NoError(t, err)
	out := make([]byte, 16)
	block.Encrypt(out, key)
	assert.Equal(t, "681edf34d206965e86b3e94f536e4246", hex.EncodeToString(out))
}

func testKey(t *testing.T, fill byte) Key {
	t.Helper()
	k, err := NewKey(bytes.Repeat([]byte{fill}, KeySize))
	require.NoError(t, err)
	return k
}

func TestSealOpen(t *testing.T) {
	k := testKey(t, 1)
	line, err := k.SealText([]byte("public-community-口令"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(line, SealedPrefix))
	assert.NotContains(t, line, "community")
	got, err := k.OpenText([]byte(line + "\n"))
	require.NoError(t, err)
	assert.Equal(t, "public-community-口令", string(got))

	again, err := k.SealText([]byte("public-community-口令"))
	require.NoError(t, err)
	assert.NotEqual(t, line, again, "a fresh nonce each time")

	_, err = testKey(t, 2).OpenText([]byte(line))
	assert.ErrorIs(t, err, ErrOpen, "another key")
	raw := []byte(line)
	raw[len(raw)-3] ^= 'A' ^ 'B'
	_, err = k.OpenText(raw)
	assert.Error(t, err, "an altered text")
	_, err = k.OpenText([]byte("public"))
	assert.ErrorIs(t, err, ErrNotSealed)
}

func TestKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.key")
	require.NoError(t, GenerateKeyFile(path))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	k, err := LoadKeyFile(path)
	require.NoError(t, err)
	assert.True(t, k.IsSet())
	assert.Equal(t, "<key>", fmt.Sprint(k))
	assert.NotContains(t, fmt.Sprintf("%#v", k), hex.EncodeToString(k.b))

	require.ErrorIs(t, GenerateKeyFile(path), ErrKeyFileExists)
	again, err := LoadKeyFile(path)
	require.NoError(t, err)
	assert.Equal(t, k.ID(), again.ID(), "not overwritten")

	require.NoError(t, os.Chmod(path, 0o644))
	_, err = LoadKeyFile(path)
	require.ErrorContains(t, err, "chmod 600")

	other := filepath.Join(dir, "other.key")
	require.NoError(t, GenerateKeyFile(other))
	o, err := LoadKeyFile(other)
	require.NoError(t, err)
	assert.NotEqual(t, k.ID(), o.ID(), "random keys")
}

func TestLoadKeyFileRejects(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"short": "abcd\n", "not hex": strings.Repeat("zz", KeySize) + "\n", "long": strings.Repeat("ab", 40),
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		_, err := LoadKeyFile(p)
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), body[:4], "%s: the error never echoes the content", name)
	}
	_, err := LoadKeyFile(dir)
	assert.Error(t, err, "a directory")
}

func TestDeriveSeparatesPurposes(t *testing.T) {
	k := testKey(t, 7)
	assert.NotEqual(t, k.Derive("a"), k.Derive("b"))
	assert.Len(t, k.Derive("a"), sm3.Size)
	assert.Len(t, k.ID(), 16)
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.key")
	k, created, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	assert.True(t, created)
	again, created, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, k.ID(), again.ID())
	_, _, err = LoadOrCreateKeyFile(filepath.Join(t.TempDir(), "missing-dir", "k"))
	assert.Error(t, err)
}
