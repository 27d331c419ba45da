package smcrypto

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

// FuzzOpenText: any text opens to an error or to what was sealed; never a panic.
func FuzzOpenText(f *testing.F) {
	k, _ := NewKey(bytes.Repeat([]byte{3}, KeySize))
	good, _ := k.SealText([]byte("secret"))
	for _, s := range []string{good, SealedPrefix, SealedPrefix + "AAAA", SealedPrefix + "!!", "plain"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pt, err := k.OpenText(b)
		if err != nil {
			assert.Nil(t, pt)
			return
		}
		assert.Equal(t, "secret", string(pt), "only the sealed text opens: GCM authenticates")
	})
}

// FuzzParseKey: a key file's content yields a key of KeySize bytes or an error.
func FuzzParseKey(f *testing.F) {
	f.Add([]byte("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"))
	f.Add(bytes.Repeat([]byte{1}, KeySize))
	f.Add([]byte("xyz"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := parseKey("k", b)
		if err == nil {
			assert.True(t, k.IsSet())
		}
	})
}
