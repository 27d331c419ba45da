package bmc

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors/netfail"
)

// rootPath is the Redfish service root.
const rootPath = "/redfish/v1"

// errUnauthorized is a 401 on a request that carried our credentials.
var errUnauthorized = errors.New("401 unauthorized")

// client talks Redfish to one BMC. It logs in through the SessionService
// once and keeps the X-Auth-Token between rounds (a login costs the BMC a
// slow password hash and a session slot), logs in again on a 401, and falls
// back to Basic auth when the BMC offers no sessions.
type client struct {
	base       string
	tp         targetParams
	hc         *http.Client
	reqTimeout time.Duration
	maxBody    int64

	mu       sync.Mutex
	token    string // X-Auth-Token, empty: not logged in
	session  string // the session's URI, deleted on Close
	basic    bool   // the BMC has no usable SessionService
	sessions string // where to POST a login
}

// transports keeps one keep-alive transport per TLS setting, shared by every
// BMC with that setting. No proxy: BMCs sit on the management network.
type transports struct {
	mu sync.Mutex
	m  map[string]*http.Transport
}

func (ts *transports) get(skipVerify bool, caFile string) (*http.Transport, error) {
	key := fmt.Sprintf("%t\x00%s", skipVerify, caFile)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if t := ts.m[key]; t != nil {
		return t, nil
	}
	// #nosec G402 -- only when the target sets tls_skip_verify=true: most
	// BMCs ship a self-signed certificate.
	cfg := &tls.Config{InsecureSkipVerify: skipVerify, MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("%w: ca_file: %w", ErrParams, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: ca_file %s holds no PEM certificate", ErrParams, caFile)
		}
		cfg.RootCAs = pool
	}
	t := &http.Transport{
		DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		TLSClientConfig:     cfg,
	}
	if ts.m == nil {
		ts.m = map[string]*http.Transport{}
	}
	ts.m[key] = t
	return t, nil
}

func (ts *transports) closeIdle() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, t := range ts.m {
		t.CloseIdleConnections()
	}
}

func newClient(tp targetParams, rt http.RoundTripper, cfg Config) *client {
	return &client{base: tp.base, tp: tp, reqTimeout: cfg.RequestTimeout, maxBody: cfg.MaxBodyBytes,
		sessions: rootPath + "/SessionService/Sessions",
		hc: &http.Client{Transport: rt,
			// A BMC has no business redirecting its API (and a redirect
			// must not carry our token elsewhere).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// getJSON reads one resource into v, with credentials, logging in first or
// again when needed.
func (cl *client) getJSON(ctx context.Context, uri string, v any) error {
	body, err := cl.get(ctx, uri)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return formatError(uri, err)
	}
	return nil
}

// get returns the body of an authenticated GET of uri (a path).
func (cl *client) get(ctx context.Context, uri string) ([]byte, error) {
	if err := cl.ensureLogin(ctx); err != nil {
		return nil, err
	}
	cl.mu.Lock()
	used := cl.token
	cl.mu.Unlock()
	body, err := cl.do(ctx, http.MethodGet, uri, nil, true)
	if errors.Is(err, errUnauthorized) && used != "" {
		// The session expired (BMCs drop idle sessions after a few
		// minutes, and some on their own restart): log in once more —
		// once for all the requests that found the token stale.
		cl.mu.Lock()
		if cl.token == used {
			cl.token, cl.session = "", ""
		}
		cl.mu.Unlock()
		if err := cl.ensureLogin(ctx); err != nil {
			return nil, err
		}
		body, err = cl.do(ctx, http.MethodGet, uri, nil, true)
	}
	if errors.Is(err, errUnauthorized) {
		mAuthFailures.Inc()
		return nil, fmt.Errorf("%w: %s answered 401 to our credentials", ErrAuth, uri)
	}
	return body, err
}

func (cl *client) dropToken() { cl.mu.Lock(); cl.token, cl.session = "", ""; cl.mu.Unlock() }

// ensureLogin opens a session unless one is open or the BMC uses Basic.
// Concurrent callers of one round wait for one login.
func (cl *client) ensureLogin(ctx context.Context) error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.token != "" || cl.basic {
		return nil
	}
	mLogins.Inc()
	body, _ := json.Marshal(map[string]string{"UserName": cl.tp.user, "Password": cl.tp.password.Reveal()})
	resp, err := cl.send(ctx, http.MethodPost, cl.sessions, body, "", false)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, cl.maxBody))
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		mAuthFailures.Inc()
		return fmt.Errorf("%w: the BMC refused the login of user %q (HTTP %d)", ErrAuth, cl.tp.user, resp.StatusCode)
	case resp.StatusCode/100 == 2 && resp.Header.Get("X-Auth-Token") != "":
		cl.token = resp.Header.Get("X-Auth-Token")
		cl.session = sessionPath(resp.Header.Get("Location"))
		return nil
	default:
		// No SessionService (404, 405, 501) or one we cannot use: Basic
		// on every request, as DSP0266 allows.
		cl.basic = true
		return nil
	}
}

// sessionPath keeps the path of a session's Location (absolute or not), so
// that the token is only ever sent to the BMC's own address.
func sessionPath(loc string) string {
	if i := strings.Index(loc, rootPath); i >= 0 {
		return loc[i:]
	}
	return ""
}

// logout deletes the session, best effort: a BMC has few session slots.
func (cl *client) logout(ctx context.Context) {
	cl.mu.Lock()
	session := cl.session
	cl.mu.Unlock()
	if session != "" {
		_, _ = cl.do(ctx, http.MethodDelete, session, nil, true)
	}
	cl.dropToken()
}

// do sends one request under the request timeout and reads a bounded body.
// A 401 is errUnauthorized; any other non-2xx is ErrDevice.
func (cl *client) do(ctx context.Context, method, uri string, body []byte, auth bool) ([]byte, error) {
	cl.mu.Lock()
	token, basic := cl.token, cl.basic && auth
	if !auth || cl.basic {
		token = ""
	}
	cl.mu.Unlock()
	resp, err := cl.send(ctx, method, uri, body, token, basic)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, cl.maxBody+1))
	if err != nil {
		return nil, transportError(ctx, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized && auth:
		return nil, errUnauthorized
	case resp.StatusCode/100 != 2:
		return nil, fmt.Errorf("%w: %s %s: %w", ErrDevice, method, netfail.Clip(uri, 200), statusError(resp.StatusCode))
	case int64(len(b)) > cl.maxBody:
		mBadReplies.Inc()
		return nil, fmt.Errorf("%w: %s is larger than max_body_bytes %d", ErrFormat, uri, cl.maxBody)
	}
	return b, nil
}

// send builds and sends one request; the caller closes the body.
func (cl *client) send(ctx context.Context, method, uri string, body []byte, token string, basic bool) (*http.Response, error) {
	rctx, cancel := context.WithTimeout(ctx, cl.reqTimeout)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(rctx, method, cl.base+uri, rd)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%w: build request %s: %w", ErrAddress, netfail.Clip(uri, 100), err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("OData-Version", "4.0")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case token != "":
		req.Header.Set("X-Auth-Token", token)
	case basic:
		req.SetBasicAuth(cl.tp.user, cl.tp.password.Reveal())
	}
	mRequests.Inc()
	resp, err := cl.hc.Do(req)
	if err != nil {
		// Classified before cancel: a cancelled request context would
		// make every failure look like a timeout.
		err = transportError(rctx, err)
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// statusError is an HTTP status other than 2xx and 401.
type statusError int

func (e statusError) Error() string { return fmt.Sprintf("HTTP %d", int(e)) }

// refusedQuery reports whether err is a status by which a service says it
// does not take a query option (400 Bad Request, 501 Not Implemented).
func refusedQuery(err error) bool {
	var se statusError
	return errors.As(err, &se) && (se == http.StatusBadRequest || se == http.StatusNotImplemented)
}

// cancelBody releases the request's timeout when the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
