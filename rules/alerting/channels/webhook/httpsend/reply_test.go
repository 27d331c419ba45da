package httpsend

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseErrcodeReply(t *testing.T) {
	r, err := ParseErrcodeReply([]byte(`{"errcode":45009,"errmsg":"api freq out of limit"}`))
	require.NoError(t, err)
	assert.Equal(t, ErrcodeReply{ErrCode: 45009, ErrMsg: "api freq out of limit"}, r)
	for _, bad := range []string{`{}`, `<html>ok</html>`, `{"errcode":"x"}`} {
		_, err := ParseErrcodeReply([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func FuzzParseErrcodeReply(f *testing.F) {
	for _, s := range []string{`{"errcode":0,"errmsg":"ok"}`, `{"errcode":45009}`, `{}`, `null`, `[]`, `{"errcode":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseErrcodeReply(b)
		if err != nil {
			assert.Equal(t, ErrcodeReply{}, r)
		}
	})
}
