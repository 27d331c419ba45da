package app

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/httpsec"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// The real server with server.tls set, end to end: a certificate made by
// openssl, HTTPS with the security headers and HSTS, TLS 1.1 refused, and
// plain HTTP on the same port answered with no page.
func TestServerOverTLS(t *testing.T) {
	cert, key := testpeer.SelfSigned(t, t.TempDir(), "ecdsa", "swanwatch.test")
	s := startServer(t, `
server: {listen: "127.0.0.1:{{port}}", tls: {cert_file: "{{cert}}", key_file: "{{key}}"}}
storage: {path: "{{dir}}/data"}
`, map[string]string{"{{cert}}": cert, "{{key}}": key})
	require.True(t, strings.HasPrefix(s.url, "https://"), s.url)

	pem, err := os.ReadFile(cert)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(pem))
	client := func(max uint16) *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MaxVersion: max}}}
	}

	resp, err := client(0).Get(s.url + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, httpsec.HSTS, resp.Header.Get("Strict-Transport-Security"))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	assert.NotEmpty(t, resp.Header.Get("Content-Security-Policy"))

	resp, err = client(0).Get(s.url + "/api/v1/whoami")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "TLS changes nothing of the roles")

	_, err = client(tls.VersionTLS11).Get(s.url + "/healthz")
	require.Error(t, err, "TLS 1.1 is refused")

	resp, err = http.Get("http://" + strings.TrimPrefix(s.url, "https://") + "/healthz")
	if err == nil {
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "plain HTTP gets Go's 400, never a page")
	}
}
