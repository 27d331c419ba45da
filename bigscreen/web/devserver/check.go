package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/chromedp/chromedp"
)

// check drives the page through the faults the wall must survive alone. It
// is the developer's quick loop; the lead's end-to-end test runs the real hub.
func check(ctx context.Context, log *slog.Logger, base string, hub *fakeHub) error {
	bctx, cancel, err := browser(ctx, log)
	if err != nil {
		return err
	}
	defer cancel()
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"live values reach the DOM", func(c context.Context) error { return liveValues(c, base) }},
		{"a lost delta is resynced", func(c context.Context) error { return lostDelta(c, base, hub) }},
		{"stalled data shows 数据延迟 and clears", func(c context.Context) error { return stalled(c, base) }},
		{"server down: marker, reconnect, recovery", func(c context.Context) error { return serverDown(c, base) }},
		{"playlist rotates and a reload resumes the scene", func(c context.Context) error { return rotates(c, base) }},
	}
	for _, s := range steps {
		t0 := time.Now()
		tctx, cancelStep := context.WithTimeout(bctx, 90*time.Second)
		err := s.run(tctx)
		cancelStep()
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		log.Info("check passed", "check", s.name, "took", time.Since(t0).Round(time.Millisecond))
	}
	return nil
}

func poll(expr string, timeout time.Duration) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(100*time.Millisecond))
}

func post(base, path string) error {
	resp, err := http.Post(base+path, "text/plain", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %s", path, resp.Status)
	}
	return nil
}

const fresh = `window.__wall && __wall.connected && !__wall.stale && document.getElementById("stale").hidden`

func openCity(ctx context.Context, base string) error {
	return chromedp.Do(ctx, chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(base+"/wall/?screen=demo&scene=city"),
		poll(fresh+` && __wall.scene === "city"`, 20*time.Second))
}

func liveValues(ctx context.Context, base string) error {
	if err := openCity(ctx, base); err != nil {
		return err
	}
	sel := `[data-panel="agent-online"] .value`
	first, err := chromedp.Run(ctx, chromedp.TextContent(sel))
	if err != nil {
		return err
	}
	if first == "" || first == "—" {
		return fmt.Errorf("no value in %s: %q", sel, first)
	}
	return chromedp.Do(ctx, poll(fmt.Sprintf(`document.querySelector(%q).textContent !== %q`, sel, first), 30*time.Second))
}

func lostDelta(ctx context.Context, base string, hub *fakeHub) error {
	before, err := chromedp.Run(ctx, chromedp.Evaluate[int]("__wall.seq.city"))
	if err != nil {
		return err
	}
	if err := post(base, "/dev/gap"); err != nil {
		return err
	}
	resyncs := hub.resyncCount()
	err = chromedp.Do(ctx, chromedp.PollFunction[chromedp.Void](`(want) => {
		const s = window.__wall.seq.city;
		return s >= want && s === Number(document.body.getAttribute("data-seq-city"));
	}`, chromedp.WithPollingArgs(before+4), chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		return err
	}
	if hub.resyncCount() == resyncs {
		return fmt.Errorf("the page went past the gap without a resync")
	}
	return nil
}

func stalled(ctx context.Context, base string) error {
	if err := post(base, "/dev/pause"); err != nil {
		return err
	}
	err := chromedp.Do(ctx, poll(`__wall.stale && !document.getElementById("stale").hidden && __wall.connected`, 30*time.Second))
	if err != nil {
		return fmt.Errorf("marker did not show: %w", err)
	}
	if err := post(base, "/dev/resume"); err != nil {
		return err
	}
	return chromedp.Do(ctx, poll(fresh, 20*time.Second))
}

func serverDown(ctx context.Context, base string) error {
	if err := post(base, "/dev/down?for=8s"); err != nil {
		return err
	}
	if err := chromedp.Do(ctx, poll(`!__wall.connected && !document.getElementById("stale").hidden`, 10*time.Second)); err != nil {
		return fmt.Errorf("marker did not show: %w", err)
	}
	kept, err := chromedp.Run(ctx, chromedp.TextContent(`[data-panel="agent-online"] .value`))
	if err != nil || kept == "" || kept == "—" {
		return fmt.Errorf("last data not kept on screen: %q %v", kept, err)
	}
	return chromedp.Do(ctx, poll(fresh, 45*time.Second))
}

func rotates(ctx context.Context, base string) error {
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/wall/?screen=demo"), poll(fresh+` && __wall.scene !== ""`, 20*time.Second))
	if err != nil {
		return err
	}
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string]("__wall.scene"))
	if err != nil {
		return err
	}
	if err := chromedp.Do(ctx, poll(fmt.Sprintf(`__wall.scene !== %q`, first), 30*time.Second)); err != nil {
		return fmt.Errorf("no rotation from %s: %w", first, err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string]("setTimeout(() => Wall.reload.go(), 50), __wall.scene"))
	if err != nil {
		return err
	}
	return chromedp.Do(ctx, chromedp.Sleep(time.Second), poll(fmt.Sprintf(`window.__wall && __wall.scene === %q && !__wall.stale`, shown), 20*time.Second))
}
