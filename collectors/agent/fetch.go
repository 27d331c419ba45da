package agent

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// acceptHeader asks for the classic text format only: that is what we parse.
const acceptHeader = "text/plain;version=0.0.4;q=1,*/*;q=0.1"

// fetch GETs the target into buf, bounded by MaxBodyBytes after decompression
// (the transport asks for gzip and inflates transparently).
func (c *Collector) fetch(ctx context.Context, t collectors.Target, buf *bytes.Buffer) error {
	req, err := c.request(ctx, t)
	if err != nil {
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fail(reasonTransport, fmt.Errorf("scrape: %w", err)) // *url.Error hides URL passwords
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(reasonStatus, fmt.Errorf("scrape: server returned HTTP status %s", resp.Status))
	}
	if err := checkContentType(resp.Header.Get("Content-Type")); err != nil {
		return fail(reasonContentType, err)
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1))
	if err != nil {
		return fail(reasonTransport, fmt.Errorf("read scrape body: %w", err))
	}
	if n > c.cfg.MaxBodyBytes {
		return fail(reasonTooLarge, fmt.Errorf("scrape body exceeds %d bytes: raise collectors.agent.max_body_bytes "+
			"or disable collectors on the agent", c.cfg.MaxBodyBytes))
	}
	return nil
}

func (c *Collector) request(ctx context.Context, t collectors.Target) (*http.Request, error) {
	u, err := url.Parse(t.Address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fail(reasonRequest, fmt.Errorf("target address %q is not an http(s) URL", redact(t.Address)))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fail(reasonRequest, fmt.Errorf("build scrape request: %w", err))
	}
	req.Header.Set("Accept", acceptHeader)
	req.Header.Set("User-Agent", "swanwatch-agent-collector")
	if dl, ok := ctx.Deadline(); ok { // lets exporters cut their own work short
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds",
			strconv.FormatFloat(time.Until(dl).Seconds(), 'f', 3, 64))
	}
	if err := setAuth(req, t.Params); err != nil {
		return nil, fail(reasonAuth, err)
	}
	return req, nil
}

// redact hides a password written into an address, for error messages.
func redact(addr string) string {
	if u, err := url.Parse(addr); err == nil {
		return u.Redacted()
	}
	if i := strings.LastIndex(addr, "@"); i >= 0 {
		return "xxxxx" + addr[i:]
	}
	return addr
}

func checkContentType(ct string) error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt == "text/plain" {
		return nil // Prometheus falls back to the text format too
	}
	return fmt.Errorf("scrape: unsupported content type %q: the agent collector reads the text exposition format", mt)
}

// setAuth applies the target's basic auth (username, password_file) or bearer
// token (bearer_token_file). The files are read at every round, so a rotated
// secret takes effect without a reload; their content never reaches a log.
func setAuth(req *http.Request, p map[string]string) error {
	user, pwFile, tokFile := p["username"], p["password_file"], p["bearer_token_file"]
	switch {
	case tokFile != "" && (user != "" || pwFile != ""):
		return errors.New("target params: bearer_token_file excludes username/password_file")
	case tokFile != "":
		tok, err := readSecret("bearer_token_file", tokFile)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	case user != "" || pwFile != "":
		pw, err := readSecret("password_file", pwFile)
		if err != nil {
			return err
		}
		req.SetBasicAuth(user, pw)
	}
	return nil
}

// readSecret reads a small secret file; an empty path is an empty secret.
func readSecret(param, path string) (string, error) {
	if path == "" {
		return "", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", param, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read %s %s: %w", param, path, err)
	}
	return strings.TrimSpace(string(b)), nil
}
