package voice

// 腾讯云语音消息 SendTtsVoice (API 3.0, version 2020-09-02) as documented on
// cloud.tencent.com "指定模板发送语音通知" (document/api/1128/51558), signed
// with "签名方法 v3" (TC3-HMAC-SHA256).

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

const (
	tencentService = "vms"
	tencentVersion = "2020-09-02"
	tencentAction  = "SendTtsVoice"
	tencentCType   = "application/json; charset=utf-8"
)

type tencentRequest struct {
	TemplateId       string
	CalledNumber     string
	VoiceSdkAppid    string
	TemplateParamSet []string
	PlayTimes        int    `json:",omitempty"`
	SessionContext   string `json:",omitempty"`
}

func (s *Sender) tencentCall(ctx context.Context, c call) error {
	params := make([]string, len(s.cfg.TemplateParams))
	for i, f := range s.cfg.TemplateParams {
		params[i] = c.Fields[f]
	}
	payload, err := json.Marshal(tencentRequest{TemplateId: s.cfg.TemplateID, CalledNumber: e164(c.Phone),
		VoiceSdkAppid: s.cfg.VoiceSdkAppid, TemplateParamSet: params, PlayTimes: s.cfg.PlayTimes, SessionContext: c.Call})
	if err != nil {
		return retryable(fmt.Errorf("tencent: encode: %w", err), false)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base.String(), bytes.NewReader(payload))
	if err != nil {
		return retryable(fmt.Errorf("tencent: build request for %s", s.shown), false)
	}
	now := s.now()
	req.Header.Set("Content-Type", tencentCType)
	req.Header.Set("X-TC-Action", tencentAction)
	req.Header.Set("X-TC-Version", tencentVersion)
	req.Header.Set("X-TC-Region", s.cfg.Region)
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("Authorization", tc3Authorization(s.cfg.AccessKeyID.Reveal(), s.cfg.AccessKeySecret.Reveal(),
		tencentService, req.URL.Host, payload, now))
	code, body, err := s.do(req)
	if err != nil {
		return err
	}
	return s.tencentCheck(code, body, c.Call)
}

// tc3Authorization signs a POST of payload to host with the headers
// content-type and host (签名方法 v3).
func tc3Authorization(id, key, service, host string, payload []byte, now time.Time) string {
	date := now.UTC().Format("2006-01-02")
	canonical := "POST\n/\n\ncontent-type:" + tencentCType + "\nhost:" + host + "\n\ncontent-type;host\n" + sha256hex(payload)
	scope := date + "/" + service + "/tc3_request"
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(now.Unix(), 10) + "\n" + scope + "\n" + sha256hex([]byte(canonical))
	k := hmacSHA256([]byte("TC3"+key), date)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "tc3_request")
	sig := hex.EncodeToString(hmacSHA256(k, toSign))
	return "TC3-HMAC-SHA256 Credential=" + id + "/" + scope + ", SignedHeaders=content-type;host, Signature=" + sig
}

func sha256hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

type tencentReply struct {
	Response struct {
		Error      *struct{ Code, Message string }
		SendStatus *struct {
			CallId, SessionContext string
		}
		RequestId string
	}
}

// tencentCheck reads the API 3.0 reply: Response.Error on failure (still
// HTTP 200), Response.SendStatus.CallId on success, remembered so that the
// status callbacks, which carry only the callid, find the reference.
func (s *Sender) tencentCheck(status int, body []byte, ref string) error {
	var r tencentReply
	if err := json.Unmarshal(body, &r); err != nil || (r.Response.Error == nil && r.Response.SendStatus == nil) {
		httpsend.Count(Channel, "decode")
		err := fmt.Errorf("tencent: %s: http %d, not a SendTtsVoice reply: %s", s.shown, status, s.detail(string(body)))
		return retryable(err, status == http.StatusTooManyRequests || status >= 500)
	}
	if e := r.Response.Error; e != nil {
		err := fmt.Errorf("tencent: %s: %s: %s (RequestId %s)", s.shown, s.detail(e.Code), s.detail(e.Message),
			s.detail(r.Response.RequestId))
		retry := tencentRetry(e.Code) || status >= 500
		if retry {
			httpsend.Count(Channel, "rate_limit")
		} else {
			httpsend.Count(Channel, "api")
		}
		return retryable(err, retry)
	}
	if id := r.Response.SendStatus.CallId; id != "" && ref != "" {
		s.calls.put(id, ref)
	}
	return nil
}

// tencentRetry: request and frequency limits, the platform's faults, and a
// signature that expired on the way (the retry signs anew).
func tencentRetry(code string) bool {
	for _, p := range []string{"RequestLimitExceeded", "LimitExceeded", "InternalError", "AuthFailure.SignatureExpire",
		"FailedOperation.FrequencyLimit", "ResourceUnavailable.ServiceUnavailable"} {
		if strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}
