package auth

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// browserWait bounds each step of the page in the browser.
const browserWait = 20 * time.Second

// TestAdministratorLoginInBrowser drives the login page in a real Chromium on
// a phone-wide window (390 px): a security administrator's first login
// enrols a TOTP key from the page (the QR code renders, the secret is shown),
// a code computed here finishes it, the welcome page names the first login;
// the second login asks for a code only, refuses the one already used, and
// then shows the previous login's address and the failed attempt since.
func TestAdministratorLoginInBrowser(t *testing.T) {
	e := newEnv(t, Options{})
	browser := testpeer.Chromium(t, 390, 844)
	_, err := chromedp.Run(browser, chromedp.Navigate(e.srv.URL+"/login"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(browser, 4*browserWait)
	defer cancel()

	passwordStep(t, ctx, "secadmin1")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("totp-qr"))))
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`document.getElementById("totp-qr").complete && document.getElementById("totp-qr").naturalWidth >= 200`))
	require.NoError(t, err)
	assert.True(t, loaded, "the QR code is a PNG the browser decodes")
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("totp-secret")))
	require.NoError(t, err)
	require.Regexp(t, `^[A-Z2-7]{32}$`, secret, "the secret, to type in by hand")
	assertFits(t, ctx)

	first := totpCode(t, secret, e.clk.Now())
	codeStep(t, ctx, first)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("welcome"))))
	last, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("last-login")))
	require.NoError(t, err)
	assert.Contains(t, last, "首次登录")
	assertFits(t, ctx)
	role, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`fetch("/api/v1/whoami").then(r => r.json()).then(j => j.role + "/" + j.via)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, "secadmin/session", role, "the browser holds a whole session")

	// Log out, then in again within the same 30 s step: the code is spent.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[int](`fetch("/api/v1/logout", {method: "POST", headers:
		{"X-SwanWatch-CSRF": document.cookie.split("; ").find(c => c.startsWith("swanwatch_csrf=")).split("=")[1]}})
		.then(r => r.status)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, chromedp.Navigate(e.srv.URL+"/login"))
	require.NoError(t, err)
	passwordStep(t, ctx, "secadmin1")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("totp"))))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#totp-qr").length`))
	require.NoError(t, err)
	assert.Zero(t, n, "enrolled: no QR code any more")
	codeStep(t, ctx, first)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".err"))))
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".err")))
	require.NoError(t, err)
	assert.Contains(t, msg, "已使用过", "a replayed code is refused")

	e.clk.Advance(totpPeriod * time.Second)
	codeStep(t, ctx, totpCode(t, secret, e.clk.Now()))
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("welcome"))))
	last, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("last-login")))
	require.NoError(t, err)
	assert.Contains(t, last, "上次登录：2026-11-27 22:00:", "the previous login, in Beijing time")
	assert.Contains(t, last, "127.0.0.1")
	failed, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("failed-since")))
	require.NoError(t, err)
	assert.Contains(t, failed, "失败尝试：1 次", "the replayed code counts")
}

// passwordStep types the user and password on the first page and submits.
func passwordStep(t *testing.T, ctx context.Context, user string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("user"), user),
		chromedp.SendKeys(chromedp.ID("password"), goodPassword),
		chromedp.Submit(chromedp.ID("password"))))
}

// codeStep types a TOTP code and submits.
func codeStep(t *testing.T, ctx context.Context, code string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("totp")),
		chromedp.SendKeys(chromedp.ID("totp"), code),
		chromedp.Submit(chromedp.ID("totp"))))
}

// assertFits checks the page needs no sideways scrolling at its width.
func assertFits(t *testing.T, ctx context.Context) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](
		`[document.documentElement.scrollWidth, window.innerWidth]`))
	require.NoError(t, err)
	require.Len(t, w, 2)
	assert.LessOrEqual(t, w[0], w[1], "no horizontal overflow at %d px", w[1])
}
