package voice

// 阿里云语音服务 SingleCallByTts (API version 2017-05-25, RPC style) as
// documented on help.aliyun.com "SingleCallByTts - 发送语音验证码或文本转语音类型的
// 语音通知" and the RPC signature ("签名机制", signature version 1.0).

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

// aliyunRetry are the codes a later try may pass: flow control (the
// per-callee limit is 1 call a minute, 5 an hour, 20 a day), the platform's
// faults, and a nonce collision (the retry draws a new one). Anything else
// (isv.OUT_OF_SERVICE, isv.TTS_TEMPLATE_ILLEGAL, isv.PARAM_LENGTH_LIMIT,
// SignatureDoesNotMatch, ...) needs a person and is Permanent.
var aliyunRetry = []string{"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "ServiceUnavailable",
	"InternalError", "SignatureNonceUsed"}

func (s *Sender) aliyunCall(ctx context.Context, c call) error {
	params, err := s.aliyunParams(c)
	if err != nil {
		return err
	}
	params["Signature"] = popSign(http.MethodPost, params, s.cfg.AccessKeySecret.Reveal())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base.String(), strings.NewReader(popQuery(params)))
	if err != nil {
		return retryable(fmt.Errorf("aliyun: build request for %s", s.shown), false)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	code, body, err := s.do(req)
	if err != nil {
		return err
	}
	return s.aliyunCheck(code, body)
}

// aliyunParams are the request's parameters, common ones included; the
// timestamp is UTC and the nonce fresh (the platform refuses a reused one).
func (s *Sender) aliyunParams(c call) (map[string]string, error) {
	vars := map[string]string{}
	for name, f := range s.cfg.TtsParams {
		vars[name] = c.Fields[f]
	}
	ttsParam, err := json.Marshal(vars)
	if err != nil {
		return nil, retryable(fmt.Errorf("aliyun: encode TtsParam: %w", err), false)
	}
	p := map[string]string{
		"AccessKeyId": s.cfg.AccessKeyID.Reveal(), "Action": "SingleCallByTts", "Format": "JSON",
		"Version": "2017-05-25", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": nonce(), "Timestamp": s.now().UTC().Format("2006-01-02T15:04:05Z"),
		"CalledNumber": national(c.Phone), "TtsCode": s.cfg.TtsCode, "TtsParam": string(ttsParam),
	}
	if c.Call != "" {
		p["OutId"] = c.Call
	}
	if s.cfg.CalledShowNumber != "" {
		p["CalledShowNumber"] = s.cfg.CalledShowNumber
	}
	if s.cfg.PlayTimes > 0 {
		p["PlayTimes"] = strconv.Itoa(s.cfg.PlayTimes)
	}
	return p, nil
}

// aliyunCheck reads {"Code":"OK","CallId":…}; a reply without Code is not
// the platform's.
func (s *Sender) aliyunCheck(status int, body []byte) error {
	var r struct{ Code, Message, CallId, RequestId string }
	if err := json.Unmarshal(body, &r); err != nil || r.Code == "" {
		httpsend.Count(Channel, "decode")
		err := fmt.Errorf("aliyun: %s: http %d, not a SingleCallByTts reply: %s", s.shown, status, s.detail(string(body)))
		return retryable(err, status == http.StatusTooManyRequests || status >= 500)
	}
	if r.Code == "OK" && status/100 == 2 {
		return nil
	}
	err := fmt.Errorf("aliyun: %s: %s: %s (RequestId %s)", s.shown, s.detail(r.Code), s.detail(r.Message), s.detail(r.RequestId))
	retry := slices.Contains(aliyunRetry, r.Code) || strings.HasPrefix(r.Code, "Throttling") || status >= 500
	if retry {
		httpsend.Count(Channel, "rate_limit")
	} else {
		httpsend.Count(Channel, "api")
	}
	return retryable(err, retry)
}

// popEncode is the RPC signature's percent-encoding: RFC 3986 unreserved
// characters stay, everything else is %XX (space as %20, * as %2A).
func popEncode(s string) string {
	e := url.QueryEscape(s)
	return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(e)
}

// popQuery is the canonicalized query: encoded pairs sorted by name.
func popQuery(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = popEncode(k) + "=" + popEncode(p[k])
	}
	return strings.Join(pairs, "&")
}

// popSign is signature v1: Base64(HMAC-SHA1(secret+"&",
// METHOD&%2F&encode(canonicalized query))), Signature itself excluded.
func popSign(method string, p map[string]string, secret string) string {
	q := make(map[string]string, len(p))
	for k, v := range p {
		if k != "Signature" {
			q[k] = v
		}
	}
	toSign := method + "&" + popEncode("/") + "&" + popEncode(popQuery(q))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
