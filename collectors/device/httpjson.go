package device

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tidwall/gjson"
)

// collectHTTP sends the profile's requests in order and maps their answers.
func (r *round) collectHTTP(ctx context.Context) error {
	base, err := deviceURL(r.t.Address)
	if err != nil {
		return err
	}
	creds, err := readCredentials(r.t.Params, r.p.HTTP.Auth)
	if err != nil {
		return err
	}
	tr := r.transport(creds)
	if !tr.refused.IsZero() && r.now.Sub(tr.refused) < authBackoff {
		return fmt.Errorf("%w: the device refused these credentials %s ago; they are offered again after %s (or at once when password_file changes)",
			ErrAuth, r.now.Sub(tr.refused).Round(time.Second), authBackoff)
	}
	answers := map[string]gjson.Result{}
	for i := range r.p.HTTP.Requests {
		req := &r.p.HTTP.Requests[i]
		ans, err := r.fetch(ctx, tr, base, req)
		switch {
		case errors.Is(err, ErrAuth):
			tr.refused = r.now
			return err
		case err != nil && req.Optional && ctx.Err() == nil:
			continue // its metrics are left out
		case err != nil:
			return fmt.Errorf("request %s: %w", req.ID, err)
		}
		answers[req.ID] = ans
	}
	tr.refused = time.Time{}
	var errs []error
	for i := range r.p.Metrics {
		m := &r.p.Metrics[i]
		ans, ok := answers[m.Request]
		if !ok {
			continue // an optional request that failed
		}
		errs = append(errs, r.putJSON(m, ans))
	}
	return joinErrs(errs)
}

// deviceURL checks a target's address: http(s)://host[:port][/prefix],
// without credentials (they come from username + password_file).
func deviceURL(addr string) (*url.URL, error) {
	u, err := url.Parse(addr)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: address %q is not a URL", ErrAddress, addr)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%w: address %q must start with http:// or https://", ErrAddress, u.Redacted())
	case u.User != nil:
		return nil, fmt.Errorf("%w: address %s carries a user: use the username and password_file params", ErrAddress, u.Redacted())
	case u.Host == "":
		return nil, fmt.Errorf("%w: address %q has no host", ErrAddress, addr)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%w: address %s: the profile's paths carry the query, not the address", ErrAddress, u.Redacted())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// fetch sends one request and parses its answer into a gjson tree.
func (r *round) fetch(ctx context.Context, tr *authTransport, base *url.URL, req *HTTPRequest) (gjson.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, r.c.http.timeout)
	defer cancel()
	target := base.String() + req.path.render(&r.env, pathEscape)
	var body io.Reader
	if req.Method == http.MethodPost {
		body = strings.NewReader(req.body.render(&r.env, jsonEscape))
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, target, body)
	if err != nil {
		return gjson.Result{}, fmt.Errorf("%w: %v", ErrAddress, err)
	}
	if body != nil {
		hreq.Header.Set("Content-Type", req.ContentType)
	}
	mRequests.Inc()
	resp, err := r.roundTrip(tr, hreq)
	if err != nil {
		return gjson.Result{}, netError(ctx, err)
	}
	defer resp.Body.Close()
	if err := statusError(resp); err != nil {
		return gjson.Result{}, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, r.c.http.maxBody+1))
	switch {
	case err != nil:
		return gjson.Result{}, netError(ctx, err)
	case int64(len(data)) > r.c.http.maxBody:
		return gjson.Result{}, fmt.Errorf("%w: answer larger than %d bytes", ErrBadAnswer, r.c.http.maxBody)
	}
	ans, err := parseAnswer(data, req.Format)
	if err == nil && req.OKPath != "" && !slices.Contains(req.OKValues, ans.Get(req.OKPath).String()) {
		err = fmt.Errorf("%w: %s is %q, not %s: %s", ErrDevice, req.OKPath, clip(ans.Get(req.OKPath).String()),
			strings.Join(req.OKValues, " or "), clip(string(data)))
	}
	return ans, err
}

// roundTrip sends req once more when a digest device dropped its nonce:
// Hikvision answers the third use of a nonce with 401 and no challenge, and
// the digest transport then forgets the nonce, so the second try starts a
// fresh challenge. A 401 with a challenge is a refusal and is not retried.
func (r *round) roundTrip(tr *authTransport, req *http.Request) (*http.Response, error) {
	client := &http.Client{Transport: tr.rt, CheckRedirect: noRedirect}
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || r.p.HTTP.Auth != "digest" ||
		resp.Header.Get("WWW-Authenticate") != "" {
		return resp, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if req.GetBody != nil {
		if req.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	mRequests.Inc()
	return client.Do(req)
}

// noRedirect keeps a device's redirect (often to a login page) from being
// followed with our credentials.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// statusError names a non-2xx answer.
func statusError(resp *http.Response) error {
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c == http.StatusUnauthorized || c == http.StatusForbidden:
		return fmt.Errorf("%w: the device refused the username or password (HTTP %d)", ErrAuth, c)
	case c == http.StatusNotFound:
		return fmt.Errorf("%w: HTTP 404: this firmware lacks the endpoint (wrong profile?)", ErrDevice)
	default:
		return fmt.Errorf("%w: HTTP %d", ErrDevice, c)
	}
}

// parseAnswer checks and parses a device's answer.
func parseAnswer(data []byte, format string) (gjson.Result, error) {
	if format == "xml" {
		j, err := xmlToJSON(data)
		if err != nil {
			return gjson.Result{}, fmt.Errorf("%w: %v", ErrBadAnswer, err)
		}
		data = j
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM some firmwares send
	if !gjson.ValidBytes(data) {
		return gjson.Result{}, fmt.Errorf("%w: the answer is not JSON (%q)", ErrBadAnswer, clip(string(data)))
	}
	return gjson.ParseBytes(data), nil
}

// putJSON maps one metric from a parsed answer.
func (r *round) putJSON(m *Metric, ans gjson.Result) error {
	if m.Each == "" {
		v := ans.Get(m.path)
		if !v.Exists() || v.Type == gjson.Null {
			return missing(m, "path "+m.path)
		}
		return r.put(m, jsonRaw(v), nil)
	}
	arr := ans.Get(m.Each)
	if !arr.IsArray() {
		return missing(m, "array "+m.Each)
	}
	var errs []error
	for i, el := range arr.Array() {
		v := el
		if m.path != "" {
			v = el.Get(m.path)
		}
		if (!v.Exists() || v.Type == gjson.Null) && m.Value == nil {
			errs = append(errs, missing(m, fmt.Sprintf("%s[%d].%s", m.Each, i, m.path)))
			continue
		}
		env := &tplEnv{index: fmt.Sprint(i), item: func(p string) string { return el.Get(p).String() }}
		errs = append(errs, r.put(m, jsonRaw(v), env))
	}
	return joinErrs(errs)
}

// jsonRaw turns a gjson value into a raw value; an object or array stays
// text, which no number parse accepts.
func jsonRaw(v gjson.Result) rawValue {
	switch v.Type {
	case gjson.Number:
		return numRaw(v.Num)
	case gjson.True:
		return numRaw(1)
	case gjson.False:
		return numRaw(0)
	case gjson.String:
		return textRaw(v.Str)
	}
	return textRaw(v.Raw)
}
