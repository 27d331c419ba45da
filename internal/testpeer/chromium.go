package testpeer

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's headless-capable Chromium (apt chromium).
const ChromiumPath = "/usr/bin/chromium"

// Chromium starts a headless Chromium for the test and returns a browser
// context for chromedp (new API: chromedp.Run[T](ctx, action)). The browser
// stops at cleanup. It fails the test when Chromium is not installed.
// Per chromedp's docs, derive per-action timeouts from this context only
// after a first Run, never put one on it directly.
func Chromium(t testing.TB, width, height int) context.Context {
	t.Helper()
	bin := LookBinary(t, ChromiumPath, "apt-get install chromium fonts-noto-cjk")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.Headless,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.WindowSize(width, height))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}
