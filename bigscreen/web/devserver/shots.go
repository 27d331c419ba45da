package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// browser starts /usr/bin/chromium for CDP and logs what the page writes to
// its console (a JavaScript exception there is a bug of the page).
func browser(ctx context.Context, log *slog.Logger) (context.Context, context.CancelFunc, error) {
	opts := append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts, chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.WindowSize(1920, 1080))
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelCtx := chromedp.NewContext(actx)
	cancel := func() { cancelCtx(); cancelAlloc() }
	console := chromedp.Console(bctx)
	if err := chromedp.Do(bctx); err != nil { // the first Run starts the browser
		cancel()
		return nil, nil, fmt.Errorf("start chromium: %w", err)
	}
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			log.Info("page console", "msg", m.String(), "url", m.URL, "line", m.Line)
		}
	}()
	return bctx, cancel, nil
}

type shot struct {
	w, h  int64
	fit   string
	scene string
}

func shoot(ctx context.Context, log *slog.Logger, base, dir string, defs []scene.Def) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bctx, cancel, err := browser(ctx, log)
	if err != nil {
		return err
	}
	defer cancel()
	var shots []shot
	for _, size := range [][2]int64{{1920, 1080}, {3840, 2160}} {
		for _, d := range defs {
			shots = append(shots, shot{size[0], size[1], "", d.ID})
		}
	}
	shots = append(shots, shot{7680, 2160, "height", "city"}, shot{7680, 2160, "stretch", "city"})
	for _, s := range shots {
		if err := takeShot(bctx, log, base, dir, s); err != nil {
			return err
		}
	}
	return nil
}

func takeShot(ctx context.Context, log *slog.Logger, base, dir string, s shot) error {
	url := base + "/wall/?screen=demo&scene=" + s.scene
	if s.fit != "" {
		url += "&fit=" + s.fit
	}
	tctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	err := chromedp.Do(tctx,
		chromedp.EmulateViewport(s.w, s.h),
		chromedp.Navigate(url),
		chromedp.Poll[chromedp.Void](fmt.Sprintf(`window.__wall && __wall.scene === %q && !__wall.stale`, s.scene)),
		chromedp.Sleep(2500*time.Millisecond), // flip and gauge animations settle
	)
	if err != nil {
		return fmt.Errorf("load %s: %w", url, err)
	}
	png, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", url, err)
	}
	name := fmt.Sprintf("wall-%s-%dx%d%s.png", s.scene, s.w, s.h, suffix(s.fit))
	log.Info("screenshot", "file", name, "bytes", len(png))
	return os.WriteFile(filepath.Join(dir, name), png, 0o644)
}

func suffix(fit string) string {
	if fit == "" {
		return ""
	}
	return "-" + fit
}
