package nvr

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/icholy/digest"
)

// reply is a recorder's answer to one request: any status but 401, which is
// ErrAuth.
type reply struct {
	status int
	body   []byte
}

// client talks HTTP Digest to one recorder. The digest transport keeps the
// recorder's challenge, so after the first round each request goes out
// authenticated at once (no 401 round trip).
type client struct {
	base       string
	user       string
	key        [32]byte // which address and credentials the client was built for
	hc         *http.Client
	reqTimeout time.Duration
	maxBody    int64
}

// newTransport returns the keep-alive transport shared by every recorder of
// one TLS mode. No proxy: recorders sit on the park's private network.
func newTransport(skipVerify bool) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		// #nosec G402 -- only when the target sets tls_skip_verify=true: most
		// recorders ship a self-signed certificate.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: skipVerify, MinVersion: tls.VersionTLS12},
	}
}

// clientKey identifies the address and credentials a client was built for, so
// a rotated password file gets a fresh client (and a fresh challenge).
func clientKey(tp targetParams) [32]byte {
	return sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%t", tp.base, tp.user, tp.password, tp.skipVerify))
}

func (c *Collector) newClient(tp targetParams) *client {
	base := c.plain
	if tp.skipVerify {
		base = c.insecure
	}
	return &client{base: tp.base, user: tp.user, key: clientKey(tp), reqTimeout: c.cfg.RequestTimeout,
		maxBody: c.cfg.MaxBodyBytes,
		hc: &http.Client{
			Transport: &digest.Transport{Username: tp.user, Password: tp.password, Transport: base},
			// A recorder has no business redirecting its API.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
}

// do sends one request under the request timeout and reads a bounded body.
func (cl *client) do(ctx context.Context, method, path string, body []byte) (reply, error) {
	ctx, cancel := context.WithTimeout(ctx, cl.reqTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, cl.base+path, rd)
	if err != nil {
		return reply{}, fmt.Errorf("%w: build request %s: %w", ErrAddress, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", `application/xml; charset="UTF-8"`)
	}
	req.Header.Set("User-Agent", "swanwatch-nvr-collector")
	mRequests.Inc()
	resp, err := cl.hc.Do(req)
	if err != nil {
		return reply{}, transportError(ctx, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, cl.maxBody+1))
	switch {
	case err != nil:
		return reply{}, transportError(ctx, err)
	case int64(len(b)) > cl.maxBody:
		return reply{}, formatError(fmt.Sprintf("%s %s: reply longer than %d bytes", method, path, cl.maxBody), nil)
	case resp.StatusCode == http.StatusUnauthorized:
		mAuthFailures.Inc()
		return reply{}, fmt.Errorf("%w（HTTP 401，用户 %s，请核对用户名和密码文件）", ErrAuth, cl.user)
	}
	return reply{status: resp.StatusCode, body: b}, nil
}
