package auth

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzParseAuthorization: no input panics, and whatever parses is well formed
// and survives a round trip through the encoding a client would send.
func FuzzParseAuthorization(f *testing.F) {
	f.Add("Basic " + base64.StdEncoding.EncodeToString([]byte("admin1:Sanmenxia-2026")))
	f.Add("basic " + base64.StdEncoding.EncodeToString([]byte("王芳:p:a:ss")))
	f.Add("Bearer " + TokenPrefix + strings.Repeat("A", secretLen))
	f.Add("Bearer swt_")
	f.Add("Basic =")
	f.Add("Digest username=x")
	f.Add("")
	f.Fuzz(func(t *testing.T, h string) {
		c, err := parseAuthorization(h)
		if err != nil {
			assert.ErrorIs(t, err, errMalformed)
			return
		}
		switch c.via {
		case ViaBasic:
			require.NotEmpty(t, c.user)
			require.NotContains(t, c.user, ":")
			enc := base64.StdEncoding.EncodeToString([]byte(c.user + ":" + c.password))
			again, err := parseAuthorization("Basic " + enc)
			require.NoError(t, err)
			assert.Equal(t, c, again)
		case ViaToken:
			require.True(t, strings.HasPrefix(c.token, TokenPrefix))
			require.Len(t, c.token, len(TokenPrefix)+secretLen)
		default:
			t.Fatalf("parsed to unknown kind %q", c.via)
		}
	})
}

func FuzzParseSessionCookie(f *testing.F) {
	f.Add(newSecret())
	f.Add(strings.Repeat("A", secretLen))
	f.Add(strings.Repeat("=", secretLen))
	f.Add("")
	f.Fuzz(func(t *testing.T, v string) {
		id, err := parseSessionCookie(v)
		if err != nil {
			assert.Empty(t, id)
			return
		}
		b, err := secretEncoding.DecodeString(id)
		require.NoError(t, err)
		assert.Len(t, b, secretBytes)
		assert.Equal(t, v, secretEncoding.EncodeToString(b), "only canonical encodings accepted")
	})
}

// FuzzDecodeHash: stored hashes come from the database, which an attacker with
// file access could edit; decoding must stay bounded and never panic.
func FuzzDecodeHash(f *testing.F) {
	good, err := hashPassword("x", fastArgon)
	require.NoError(f, err)
	f.Add(good)
	f.Add("$argon2id$v=19$m=4294967295,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=8,t=1,p=255$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, s string) {
		p, salt, key, err := decodeHash(s)
		if err != nil {
			return
		}
		require.NoError(t, checkParams(p))
		assert.LessOrEqual(t, p.Memory, uint32(maxArgonMemory))
		assert.Len(t, salt, int(p.SaltLen))
		assert.Len(t, key, int(p.KeyLen))
	})
}
