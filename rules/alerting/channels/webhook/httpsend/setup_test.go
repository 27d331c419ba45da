package httpsend

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewEndpoint(t *testing.T) {
	ep, err := NewEndpoint("wecom", "webhook address", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, http.DefaultClient, ep.Client)
	assert.NotNil(t, ep.Log)
	assert.Equal(t, "k", ep.URL.Query().Get("key"))
	for _, bad := range []string{"", "ftp://h/x?key=secret-k", "https:///nohost?key=secret-k", "://bad?key=secret-k", "/relative?key=secret-k"} {
		_, err := NewEndpoint("wecom", "webhook address", bad, nil, nil)
		require.Error(t, err, bad)
		assert.Equal(t, "wecom: url must be an http(s) webhook address", err.Error())
		assert.NotContains(t, err.Error(), "secret-k", "the address (and its key) stays out of the error")
	}
}
