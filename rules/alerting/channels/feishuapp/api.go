package feishuapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/apptoken"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

// The two endpoints (自建应用获取 tenant_access_token; 发送消息).
const (
	tokenPath    = "/open-apis/auth/v3/tenant_access_token/internal"
	messagesPath = "/open-apis/im/v1/messages?receive_id_type=open_id"
)

// Feishu's codes that change what we do (通用错误码 and 发送消息's table).
const (
	// The token is missing or no longer valid: fetch a new one, once.
	CodeTokenMissing       = 99991661 // Missing access token for authorization
	CodeTenantTokenInvalid = 99991663 // Invalid access token for authorization
	CodeAppTokenInvalid    = 99991664
	CodeUserTokenInvalid   = 99991668 // seen for tenant tokens too
	CodeAccessTokenInvalid = 99991671
	// Too many requests: retry later.
	CodeRateLimit   = 99991400 // request frequency limit (with HTTP 429)
	CodeIMFrequency = 230020   // This operation triggers the frequency limit
	// The person is outside the app's availability (可用范围): permanent
	// until an administrator changes the app.
	CodeNoAvailability = 230013
)

var tokenCodes = []int{CodeTokenMissing, CodeTenantTokenInvalid, CodeAppTokenInvalid, CodeUserTokenInvalid, CodeAccessTokenInvalid}

// Reply is what both endpoints answer: {"code":0,"msg":"ok",…}, with the
// token and its lifetime from the token endpoint and data.message_id from
// 发送消息.
type Reply struct {
	Code              int
	Msg               string
	TenantAccessToken string
	Expire            int // seconds
	MessageID         string
}

// ParseReply decodes a reply; one that is not a JSON object with a numeric
// code is an error (a proxy's page is not Feishu's answer).
func ParseReply(body []byte) (Reply, error) {
	var raw struct {
		Code              *int   `json:"code"`
		Msg               string `json:"msg"`
		TenantAccessToken string `json:"tenant_access_token"`
		Expire            int    `json:"expire"`
		Data              *struct {
			MessageID string `json:"message_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Reply{}, errors.New("reply is not Feishu's JSON")
	}
	if raw.Code == nil {
		return Reply{}, errors.New("reply has no code")
	}
	r := Reply{Code: *raw.Code, Msg: raw.Msg, TenantAccessToken: raw.TenantAccessToken, Expire: raw.Expire}
	if raw.Data != nil {
		r.MessageID = raw.Data.MessageID
	}
	return r, nil
}

// fetchToken is the apptoken.Fetch of the app.
func (s *Sender) fetchToken(ctx context.Context) (string, time.Duration, error) {
	body := map[string]string{"app_id": s.appID, "app_secret": s.secret}
	r, err := s.call(ctx, tokenPath, "", body)
	if err != nil {
		return "", 0, tokenError{err}
	}
	return r.TenantAccessToken, time.Duration(r.Expire) * time.Second, nil
}

// tokenError is a failure to get a token: every recipient would meet it.
type tokenError struct{ err error }

func (e tokenError) Error() string { return "tenant_access_token: " + e.err.Error() }
func (e tokenError) Unwrap() error { return e.err }

// appWide reports whether err stops the app itself, not one recipient: no
// token, or a fresh token refused too.
func appWide(err error) bool {
	var te tokenError
	return errors.As(err, &te) || errors.Is(err, apptoken.ErrTokenInvalid)
}

// call POSTs body as JSON and maps the answer. It does not use
// httpsend.PostJSON because Feishu answers with HTTP 400 *and* a JSON code
// for a refused token (99991663) or a rate limit (230020): the code decides,
// and PostJSON would make every 4xx permanent. The token rides in a header,
// never in the URL, so no error can quote it.
func (s *Sender) call(ctx context.Context, path, token string, body any) (Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	payload, err := json.Marshal(body)
	if err != nil {
		return Reply{}, channels.Permanent(fmt.Errorf("encode: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+path, bytes.NewReader(payload))
	if err != nil {
		return Reply{}, channels.Permanent(errors.New("invalid base_url"))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		httpsend.Count(Channel, "network")
		return Reply{}, fmt.Errorf("post %s: %w", httpsend.Redact(s.base+path), unwrapURL(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, httpsend.MaxResponseBytes))
	if err != nil {
		httpsend.Count(Channel, "network")
		return Reply{}, fmt.Errorf("read reply: %w", unwrapURL(err))
	}
	return s.check(resp.StatusCode, raw, token)
}

// check maps a status and body: the code first, then the status.
func (s *Sender) check(status int, raw []byte, token string) (Reply, error) {
	r, perr := ParseReply(raw)
	ok2xx := status >= 200 && status < 300
	if perr == nil && r.Code == 0 && ok2xx {
		return r, nil
	}
	what := fmt.Sprintf("http %d", status)
	if perr == nil {
		what += fmt.Sprintf(": code %d: %s", r.Code, httpsend.Detail(r.Msg, s.secret, token))
	} else {
		what += ": " + httpsend.Detail(string(raw), s.secret, token)
	}
	err := errors.New(what)
	switch {
	case perr == nil && slices.Contains(tokenCodes, r.Code) && token != "":
		httpsend.Count(Channel, "token")
		return r, fmt.Errorf("%w: %w", err, apptoken.ErrTokenInvalid)
	case status == http.StatusTooManyRequests || (perr == nil && (r.Code == CodeRateLimit || r.Code == CodeIMFrequency)):
		httpsend.Count(Channel, "rate_limit")
		return r, err
	case status >= 500:
		httpsend.Count(Channel, "http_5xx")
		return r, err
	case perr != nil && ok2xx:
		// A 2xx that is not Feishu's JSON: something in between answered.
		httpsend.Count(Channel, "decode")
		return r, fmt.Errorf("%w (%v)", err, perr)
	}
	httpsend.Count(Channel, "api")
	return r, channels.Permanent(err)
}

// unwrapURL keeps the cause of a *url.Error (a timeout, a refused dial)
// without its quoted URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
