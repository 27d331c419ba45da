package apptoken

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func FuzzParseTokenReply(f *testing.F) {
	for _, s := range []string{`{"errcode":0,"errmsg":"ok","access_token":"t","expires_in":7200}`, `{"errcode":0}`,
		`{"errcode":40089,"errmsg":"不合法的appKey或appSecret"}`, `{"access_token":"t"}`, `1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseTokenReply(b)
		if err != nil {
			assert.Equal(t, TokenReply{}, r)
			return
		}
		if r.ErrCode == 0 {
			assert.NotEmpty(t, r.AccessToken)
		}
	})
}
