package dingwork

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/apptoken"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

// fetchToken is the apptoken.Fetch of this application.
func (s *Sender) fetchToken(ctx context.Context) (string, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	u := s.endpoint("/gettoken", url.Values{"appkey": {s.appKey}, "appsecret": {s.secret}})
	body, err := getJSON(ctx, s.client, u, s.secret)
	if err != nil {
		return "", 0, err
	}
	rep, err := apptoken.ParseTokenReply(body)
	if err != nil {
		httpsend.Count(Channel, "decode")
		return "", 0, fmt.Errorf("%s: %w", Channel, err)
	}
	if rep.ErrCode != 0 {
		err := fmt.Errorf("%s: gettoken errcode %d: %s", Channel, rep.ErrCode, httpsend.Detail(rep.ErrMsg, s.secret))
		if retryable(rep.ErrCode) {
			httpsend.Count(Channel, "rate_limit")
			return "", 0, err
		}
		httpsend.Count(Channel, "token")
		return "", 0, channels.Permanent(fmt.Errorf("%w (check app_key and app_secret, and the server IP whitelist)", err))
	}
	return rep.AccessToken, time.Duration(rep.ExpiresIn) * time.Second, nil
}

// getJSON is a bounded GET with the same status mapping as httpsend.PostJSON:
// 2xx is the body, 429/5xx and network errors retryable, the rest permanent.
// rawURL holds the secret in its query, so errors show it redacted.
func getJSON(ctx context.Context, c *http.Client, rawURL string, secrets ...string) ([]byte, error) {
	shown := httpsend.Redact(rawURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, channels.Permanent(fmt.Errorf("%s: invalid url %s", Channel, shown))
	}
	resp, err := c.Do(req)
	if err != nil {
		httpsend.Count(Channel, "network")
		var ue *url.Error
		if errors.As(err, &ue) { // its message quotes the URL, secret included
			err = ue.Err
		}
		return nil, fmt.Errorf("%s: get %s: %w", Channel, shown, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, httpsend.MaxResponseBytes))
	if err != nil {
		httpsend.Count(Channel, "network")
		return nil, fmt.Errorf("%s: read gettoken reply: %w", Channel, err)
	}
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return body, nil
	}
	err = fmt.Errorf("%s: get %s: http %d: %s", Channel, shown, code, httpsend.Detail(string(body), secrets...))
	switch {
	case code == http.StatusTooManyRequests:
		httpsend.Count(Channel, "rate_limit")
		return nil, err
	case code >= 500:
		httpsend.Count(Channel, "http_5xx")
		return nil, err
	}
	httpsend.Count(Channel, "http_4xx")
	return nil, channels.Permanent(err)
}
