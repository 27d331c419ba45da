package httpsec

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// openssl and makeCert are the shared test helpers of internal/testpeer.
func openssl(t *testing.T, stdin string, args ...string) (string, error) {
	return testpeer.OpenSSL(t, stdin, args...)
}

func makeCert(t *testing.T, dir, kind, cn string) (certFile, keyFile string) {
	return testpeer.SelfSigned(t, dir, kind, cn)
}

// serveTLS runs an http.Server the way the lead wires it: TLSConfig from
// this package, Headers around the handler, ServeTLS with no file names.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	addr, _ := serveTLSLog(t, cfg)
	return addr
}

// syncBuffer is the server's error log, read by the test while it serves.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func serveTLSLog(t *testing.T, cfg *tls.Config) (string, *syncBuffer) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'") // a page with its own
		io.WriteString(w, "<p>page</p>")
	})
	return serveTLSWith(t, cfg, mux)
}

func serveTLSHandler(t *testing.T, cfg *tls.Config, h http.Handler) string {
	t.Helper()
	addr, _ := serveTLSWith(t, cfg, h)
	return addr
}

func serveTLSWith(t *testing.T, cfg *tls.Config, h http.Handler) (string, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	srv := &http.Server{Handler: Headers(h), TLSConfig: cfg, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: log.New(logs, "", 0)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	t.Cleanup(func() {
		require.NoError(t, srv.Shutdown(context.Background()))
		require.ErrorIs(t, <-done, http.ErrServerClosed)
	})
	return ln.Addr().String(), logs
}

func client(t *testing.T, certFile string, tweak func(*tls.Config)) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(certFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem))
	cfg := &tls.Config{RootCAs: pool}
	if tweak != nil {
		tweak(cfg)
	}
	tr := &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func TestTLSEndToEnd(t *testing.T) {
	for _, kind := range []string{"rsa", "ecdsa"} {
		t.Run(kind, func(t *testing.T) {
			certFile, keyFile := makeCert(t, t.TempDir(), kind, "swanwatch.smx.gov.cn")
			cfg, err := TLSConfig(certFile, keyFile, nil)
			require.NoError(t, err)
			addr := serveTLS(t, cfg)
			c := client(t, certFile, nil)

			resp, err := c.Get("https://" + addr + "/")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, uint16(tls.VersionTLS13), resp.TLS.Version)
			assert.Equal(t, "h2", resp.TLS.NegotiatedProtocol)
			assert.Equal(t, 2, resp.ProtoMajor)
			assert.Equal(t, HSTS, resp.Header.Get("Strict-Transport-Security"))
			assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
			assert.Equal(t, "no-referrer", resp.Header.Get("Referrer-Policy"))
			assert.Equal(t, DefaultCSP, resp.Header.Get("Content-Security-Policy"))

			resp, err = c.Get("https://" + addr + "/page")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, "default-src 'self'", resp.Header.Get("Content-Security-Policy"),
				"a page's own policy is kept")

			// TLS 1.2 with a forward-secret AEAD suite: served.
			resp, err = client(t, certFile, func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 }).
				Get("https://" + addr + "/")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, uint16(tls.VersionTLS12), resp.TLS.Version)
			assert.Contains(t, Suites, resp.TLS.CipherSuite)
		})
	}
}

func TestTLSRefusesOldVersionsAndWeakSuites(t *testing.T) {
	certFile, keyFile := makeCert(t, t.TempDir(), "rsa", "127.0.0.1")
	cfg, err := TLSConfig(certFile, keyFile, nil)
	require.NoError(t, err)
	addr, logs := serveTLSLog(t, cfg)
	for _, tt := range []struct {
		name, why string
		tweak     func(*tls.Config)
	}{
		{"TLS 1.1", "client offered only unsupported versions",
			func(c *tls.Config) { c.MinVersion, c.MaxVersion = tls.VersionTLS10, tls.VersionTLS11 }},
		{"TLS 1.2 RSA key exchange, CBC", "no cipher suite supported by both", func(c *tls.Config) {
			c.MaxVersion, c.CipherSuites = tls.VersionTLS12, []uint16{tls.TLS_RSA_WITH_AES_128_CBC_SHA}
		}},
		{"TLS 1.2 ECDHE with CBC", "no cipher suite supported by both", func(c *tls.Config) {
			c.MaxVersion, c.CipherSuites = tls.VersionTLS12, []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := strings.Count(logs.String(), tt.why)
			_, err := client(t, certFile, tt.tweak).Get("https://" + addr + "/")
			require.Error(t, err)
			assert.Eventually(t, func() bool { return strings.Count(logs.String(), tt.why) == before+1 },
				5*time.Second, 10*time.Millisecond, "the server refused it for that reason: %s", logs.String())
		})
	}
}

// TestOpenSSLClient: the real openssl s_client as the peer, as a browser
// or a scanner (the bureau's 等保 test uses such tools) would see the server.
func TestOpenSSLClient(t *testing.T) {
	certFile, keyFile := makeCert(t, t.TempDir(), "ecdsa", "127.0.0.1")
	cfg, err := TLSConfig(certFile, keyFile, nil)
	require.NoError(t, err)
	addr := serveTLS(t, cfg)
	out, err := openssl(t, "", "s_client", "-connect", addr, "-tls1_2", "-CAfile", certFile, "-verify_return_error")
	require.NoError(t, err, out)
	assert.Contains(t, out, "Protocol  : TLSv1.2")
	assert.Contains(t, out, "Cipher    : ECDHE-ECDSA-AES128-GCM-SHA256")
	out, err = openssl(t, "", "s_client", "-connect", addr, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
	assert.Error(t, err, "TLS 1.1 refused: %s", out)
	out, err = openssl(t, "", "s_client", "-connect", addr, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA")
	assert.Error(t, err, "a CBC suite refused: %s", out)
}

func TestPlainHTTPHasNoHSTS(t *testing.T) {
	srv := httptest.NewServer(Headers(http.NotFoundHandler()))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Empty(t, resp.Header.Get("Strict-Transport-Security"), "HSTS over TLS only (RFC 6797 §7.2)")
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
}

// TestCertificateRenewed: a renewed certificate is served after the recheck,
// a broken renewal keeps the previous one.
func TestCertificateRenewed(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := makeCert(t, dir, "ecdsa", "old")
	now := time.Now()
	s := &certStore{certFile: certFile, keyFile: keyFile, log: nil, now: func() time.Time { return now }}
	require.NoError(t, s.load())
	s.log = discard()
	cn := func() string {
		c, err := s.get(nil)
		require.NoError(t, err)
		leaf, err := x509.ParseCertificate(c.Certificate[0])
		require.NoError(t, err)
		return leaf.Subject.CommonName
	}
	assert.Equal(t, "old", cn())
	newDir := t.TempDir()
	nc, nk := makeCert(t, newDir, "ecdsa", "new")
	copyFile(t, nk, keyFile)
	copyFile(t, nc, certFile)
	later := now.Add(time.Hour)
	require.NoError(t, os.Chtimes(certFile, later, later))
	assert.Equal(t, "old", cn(), "not rechecked yet")
	now = now.Add(recheck)
	assert.Equal(t, "new", cn())

	require.NoError(t, os.WriteFile(certFile, []byte("not a certificate"), 0o600))
	require.NoError(t, os.Chtimes(certFile, later.Add(time.Hour), later.Add(time.Hour)))
	before := reloadErrors.Get()
	now = now.Add(recheck)
	assert.Equal(t, "new", cn(), "a broken renewal keeps the served pair")
	assert.Equal(t, before+1, reloadErrors.Get())
}

// TestSM2Certificate: gmsm's smx509 reads and verifies an SM2 certificate
// made by openssl (what works), and TLSConfig refuses it with a clear error
// (what crypto/tls cannot do) rather than "unsupported key".
func TestSM2Certificate(t *testing.T) {
	certFile, keyFile := makeCert(t, t.TempDir(), "sm2", "swanwatch-sm2")
	pem, err := os.ReadFile(certFile)
	require.NoError(t, err)
	cert, err := smx509.ParseCertificatePEM(pem)
	require.NoError(t, err)
	assert.Equal(t, smx509.SM2WithSM3, cert.SignatureAlgorithm)
	require.NoError(t, cert.CheckSignatureFrom(cert), "the SM3withSM2 self-signature verifies")

	_, err = tls.LoadX509KeyPair(certFile, keyFile)
	require.Error(t, err, "crypto/tls cannot load an SM2 pair")
	_, err = TLSConfig(certFile, keyFile, nil)
	require.ErrorIs(t, err, ErrSM2Certificate)
	assert.Contains(t, err.Error(), "swanwatch-sm2")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o600))
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
