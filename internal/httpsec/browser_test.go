package httpsec

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// cspRecorder collects the page's CSP violations from its first script on.
const cspRecorder = `window.__csp = window.__csp || [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.effectiveDirective + " " + e.blockedURI));`

// TestBrowserOverTLS: Chromium over the real TLS config with the headers: the
// handshake (Chromium trusts only this certificate's key), HSTS seen by the
// browser, the default CSP blocking an inline script while the page's own
// script runs, and the wall page running all its scripts with no violation.
func TestBrowserOverTLS(t *testing.T) {
	certFile, keyFile := makeCert(t, t.TempDir(), "ecdsa", "127.0.0.1")
	cfg, err := TLSConfig(certFile, keyFile, nil)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><title>t</title><script src="/own.js"></script>`+
			`<script>window.inlineRan = true</script>`)
	})
	mux.HandleFunc("GET /own.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		io.WriteString(w, `window.ownRan = true;`)
	})
	mux.Handle("GET /wall/", bigscreen.PageHandler())
	addr := serveTLSHandler(t, cfg, mux)

	ctx := browser(t, certFile)
	_, err = chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) (struct{}, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder})
		return struct{}{}, err
	})
	require.NoError(t, err)
	run, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	require.NoError(t, chromedp.Do(run, chromedp.Navigate("https://"+addr+"/")))
	own, err := chromedp.Run(run, chromedp.Poll[bool](`window.ownRan === true`))
	require.NoError(t, err)
	assert.True(t, own, "the page's own script runs")
	inline, err := chromedp.Run(run, chromedp.Evaluate[bool](`window.inlineRan === true`))
	require.NoError(t, err)
	assert.False(t, inline, "the inline script is blocked")
	blocked, err := chromedp.Run(run, chromedp.Evaluate[[]string](`window.__csp`))
	require.NoError(t, err)
	assert.Equal(t, []string{"script-src-elem inline"}, blocked)
	secure, err := chromedp.Run(run, chromedp.Evaluate[bool](`window.isSecureContext && location.protocol === "https:"`))
	require.NoError(t, err)
	assert.True(t, secure)

	require.NoError(t, chromedp.Do(run, chromedp.Navigate("https://"+addr+"/wall/?screen=s")))
	ready, err := chromedp.Run(run, chromedp.Poll[bool](`document.readyState === "complete" && !!window.Wall && !!window.echarts`))
	require.NoError(t, err)
	assert.True(t, ready, "the wall's scripts and ECharts ran")
	blocked, err = chromedp.Run(run, chromedp.Evaluate[[]string](`window.__csp`))
	require.NoError(t, err)
	assert.Empty(t, blocked, "the wall page runs under its CSP and the headers")
}

// browser starts Chromium like testpeer.Chromium, trusting only the server
// certificate's public key (its SPKI hash), not every certificate.
func browser(t *testing.T, certFile string) context.Context {
	t.Helper()
	bin := testpeer.LookBinary(t, testpeer.ChromiumPath, "apt-get install chromium fonts-noto-cjk")
	b, err := os.ReadFile(certFile)
	require.NoError(t, err)
	block, _ := pem.Decode(b)
	require.NotNil(t, block)
	leaf, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	spki := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("ignore-certificate-errors-spki-list", base64.StdEncoding.EncodeToString(spki[:])))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}
