package camera

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"time"

	"github.com/icholy/digest"
)

// maxSnapshotPixels bounds a snapshot's decoded size (a 4K camera has 8.3 M pixels); a JPEG that
// claims more is refused before it is decoded, so a forged header cannot take the memory.
const maxSnapshotPixels = 40_000_000

// snapshotFetch is a snapshot request running beside the RTSP session.
type snapshotFetch struct {
	cancel context.CancelFunc
	done   chan struct{}
	img    image.Image
	at     time.Time
	err    error
}

// startSnapshot fetches the first snapshot of a diagnosis while the session runs.
func (c *Collector) startSnapshot(ctx context.Context, t camTarget) *snapshotFetch {
	fctx, cancel := context.WithCancel(ctx)
	f := &snapshotFetch{cancel: cancel, done: make(chan struct{})}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer close(f.done)
		f.img, f.err = c.snapshot(fctx, t)
		f.at = time.Now()
	}()
	return f
}

// wait returns the snapshot once fetched.
func (f *snapshotFetch) wait() (image.Image, time.Time, error) {
	<-f.done
	f.cancel()
	return f.img, f.at, f.err
}

// abandon stops a fetch whose round failed; nil is fine.
func (f *snapshotFetch) abandon() {
	if f != nil {
		f.cancel()
		<-f.done
	}
}

// snapshot GETs and decodes one JPEG from the camera's (or its NVR's) snapshot endpoint, e.g.
// Hikvision ISAPI /ISAPI/Streaming/channels/101/picture or Dahua /cgi-bin/snapshot.cgi.
func (c *Collector) snapshot(ctx context.Context, t camTarget) (image.Image, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.SnapshotTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.snapshotURL, nil)
	if err != nil {
		return nil, errors.New("抓图地址无效")
	}
	req.Header.Set("Accept", "image/jpeg")
	client := c.http
	switch t.snapshotAuth {
	case "basic":
		req.SetBasicAuth(t.user, t.pass)
	case "digest":
		if t.user != "" || t.pass != "" {
			client = &http.Client{Transport: &digest.Transport{Username: t.user, Password: t.pass,
				Transport: c.http.Transport, NoReuse: true}, CheckRedirect: c.http.CheckRedirect}
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, snapshotNetError(ctx, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.SnapshotMaxBytes+1))
	if err != nil {
		return nil, snapshotNetError(ctx, err)
	}
	return decodeSnapshot(resp.StatusCode, resp.Header.Get("Content-Type"), body, c.cfg.SnapshotMaxBytes)
}

func snapshotNetError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errors.New("抓图超时")
	}
	f := classifyNet("抓图", err)
	return errors.New(f.Error())
}

// decodeSnapshot checks a snapshot answer and decodes its JPEG. Cameras answer errors with 200
// and an XML or HTML body (ISAPI ResponseStatus), so the body itself must be a JPEG.
func decodeSnapshot(status int, contentType string, body []byte, limit int64) (image.Image, error) {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nil, fmt.Errorf("抓图认证失败（HTTP %d）", status)
	case status == http.StatusNotFound:
		return nil, errors.New("抓图地址不存在（HTTP 404）")
	case status != http.StatusOK:
		return nil, fmt.Errorf("抓图失败（HTTP %d）", status)
	case int64(len(body)) > limit:
		return nil, fmt.Errorf("抓图大于 %d 字节", limit)
	case len(body) < 4 || body[0] != 0xFF || body[1] != 0xD8:
		return nil, fmt.Errorf("抓图应答不是 JPEG（Content-Type %q）", clipText(contentType))
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("抓图 JPEG 头无法解析")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxSnapshotPixels {
		return nil, fmt.Errorf("抓图尺寸 %dx%d 不合理", cfg.Width, cfg.Height)
	}
	img, err := jpeg.Decode(bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("抓图 JPEG 无法解码")
	}
	return img, nil
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40]
	}
	return s
}
