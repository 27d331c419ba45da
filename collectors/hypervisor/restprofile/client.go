package restprofile

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// client talks to one platform: it holds the session token and logs in
// again when the platform says the session expired.
type client struct {
	prof     *Profile
	base     *url.URL
	http     *http.Client
	username string
	password string // never logged, never in an error
	token    string
}

// parseBase reads a target's address: https://host[:port] (http allowed
// for platforms that serve only that, e.g. ZStack's 8080).
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		// not url's own message: it may quote a password typed into the address
		return nil, fmt.Errorf("%w: address must look like https://host:port", ErrParams)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: address must not carry credentials: use the username and password_file params", ErrParams)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: address %s: no path, query or fragment (the profile has the paths)", ErrParams, u.Redacted())
	}
	u.Path = ""
	return u, nil
}

// newHTTP builds the client from the tls_skip_verify and ca_file params.
func newHTTP(params map[string]string) (*http.Client, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	switch v := params["tls_skip_verify"]; v {
	case "", "false":
	case "true":
		cfg.InsecureSkipVerify = true // operator's explicit choice for a self-signed platform
	default:
		return nil, fmt.Errorf("%w: tls_skip_verify %q: want true or false", ErrParams, v)
	}
	if f := params["ca_file"]; f != "" {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("%w: ca_file: %w", ErrParams, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: ca_file %s holds no PEM certificate", ErrParams, f)
		}
		cfg.RootCAs = pool
	}
	tr := &http.Transport{TLSClientConfig: cfg, Proxy: nil, MaxIdleConnsPerHost: 2,
		ResponseHeaderTimeout: 60 * time.Second, IdleConnTimeout: 90 * time.Second}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // a redirect would carry the token elsewhere
	}}, nil
}

// login opens a session (json kind); basic needs none.
func (c *client) login(ctx context.Context) error {
	l := &c.prof.Login
	if l.Kind == "basic" {
		return nil
	}
	pw := hashPassword(l.PasswordHash, c.password)
	body := strings.NewReplacer("{{username}}", quote(c.username), "{{password}}", quote(pw)).Replace(l.Body)
	req, err := c.request(ctx, l.Method, l.Path, nil, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	resp, err := c.http.Do(req)
	if err != nil {
		return transportReason(ctx, err)
	}
	defer resp.Body.Close()
	data, err := c.read(ctx, resp)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return fmt.Errorf("%w: user %q refused by %s (HTTP %d)", ErrAuth, c.username, l.Path, resp.StatusCode)
	}
	if resp.StatusCode/100 != 2 {
		// only the platform's error code, never its text: a broken platform might echo what we sent
		return fmt.Errorf("%w: login %s answered HTTP %d%s", ErrAuth, l.Path, resp.StatusCode, c.errorCode(data))
	}
	tok := resp.Header.Get(l.TokenHeader)
	if l.TokenPath != "" {
		tok = gjson.GetBytes(data, l.TokenPath).String()
	}
	if tok == "" || strings.ContainsAny(tok, "\r\n") {
		return fmt.Errorf("%w: login %s answered without a usable token", ErrAuth, l.Path)
	}
	c.token = tok
	return nil
}

// get reads one JSON reply, logging in again once if the session expired.
func (c *client) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	data, status, err := c.getOnce(ctx, path, q)
	if err == nil && c.expired(status, data) {
		if err := c.login(ctx); err != nil {
			return nil, err
		}
		data, status, err = c.getOnce(ctx, path, q)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nil, fmt.Errorf("%w: %s answered HTTP %d", ErrAuth, path, status)
	case status/100 != 2:
		return nil, fmt.Errorf("%w: %s answered HTTP %d%s", ErrPlatform, path, status, platformMessage(data))
	case !gjson.ValidBytes(data):
		return nil, fmt.Errorf("%w: %s did not answer JSON", ErrReply, path)
	}
	return data, nil
}

// expired: the platform says the session is gone (json login only).
func (c *client) expired(status int, data []byte) bool {
	l := &c.prof.Login
	if l.Kind != "json" || status/100 == 2 {
		return false
	}
	if slices.Contains(l.ReloginStatus, status) {
		return true
	}
	return l.ReloginCodePath != "" && slices.Contains(l.ReloginCodes, gjson.GetBytes(data, l.ReloginCodePath).String())
}

func (c *client) getOnce(ctx context.Context, path string, q url.Values) ([]byte, int, error) {
	req, err := c.request(ctx, http.MethodGet, path, q, nil)
	if err != nil {
		return nil, 0, err
	}
	switch {
	case c.prof.Login.Kind == "basic":
		req.SetBasicAuth(c.username, c.password)
	case c.token != "":
		req.Header.Set(c.prof.Login.SendHeader, c.prof.Login.SendPrefix+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, transportReason(ctx, err)
	}
	defer resp.Body.Close()
	data, err := c.read(ctx, resp)
	return data, resp.StatusCode, err
}

func (c *client) request(ctx context.Context, method, path string, q url.Values, body io.Reader) (*http.Request, error) {
	u := *c.base
	u.Path = path
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrParams, path, err)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range c.prof.Headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

// read takes at most the profile's max_reply_bytes.
func (c *client) read(ctx context.Context, resp *http.Response) ([]byte, error) {
	limit := c.prof.MaxReplyBytes
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, transportReason(ctx, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s answered more than %d bytes", ErrTooLarge, resp.Request.URL.Path, limit)
	}
	return data, nil
}

// platformMessage is a short, bounded quote of the platform's own error
// text, which the operator may need (never used on a login reply).
func platformMessage(data []byte) string {
	for _, p := range []string{"error.description", "error.details", "message", "msg", "errorDes"} {
		if s := gjson.GetBytes(data, p).String(); s != "" {
			if r := []rune(s); len(r) > 200 {
				s = string(r[:200]) + "…"
			}
			return ": " + s
		}
	}
	return ""
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// errorCode is the platform's error code (e.g. ZStack's ID.1000) when it
// looks like one and is not the password.
func (c *client) errorCode(data []byte) string {
	for _, p := range []string{"error.code", "code", "errorCode"} {
		s := gjson.GetBytes(data, p).String()
		sent := hashPassword(c.prof.Login.PasswordHash, c.password)
		if codeRE.MatchString(s) && (c.password == "" || !strings.Contains(s, c.password) && !strings.Contains(s, sent)) {
			return " (" + s + ")"
		}
	}
	return ""
}

func hashPassword(kind, pw string) string {
	switch kind {
	case "sha256-hex":
		s := sha256.Sum256([]byte(pw))
		return hex.EncodeToString(s[:])
	case "sha512-hex":
		s := sha512.Sum512([]byte(pw))
		return hex.EncodeToString(s[:])
	}
	return pw
}

func quote(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
