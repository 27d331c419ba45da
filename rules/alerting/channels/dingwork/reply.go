package dingwork

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/apptoken"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

// The errcodes (全局错误码) that change what the sender does.
const (
	ErrBusy          = -1    // 系统繁忙: retry later
	ErrAuth          = 88    // 鉴权异常: see sub_code
	ErrInvalidUserID = 33012 // 无效的USERID
	ErrInvalidToken  = 40014 // 不合法的access_token: refresh
	ErrTokenExpired  = 42001 // access_token超时: refresh
	ErrFlowAll       = 90002 // every caller of this API is throttled: retry later
	ErrFlowCorp      = 90018 // this corp's QPS on the API is over its limit: retry later
	ErrFlowApp       = 90019 // this application's QPS is over its limit: retry later
)

// errInvalidUser marks a recipient DingTalk does not know: counted per
// person, and only fatal when it is everyone.
var errInvalidUser = errors.New("userid is not valid for this application")

// SendReply is asyncsend_v2's answer. sub_code is a string in DingTalk's
// replies ("60011"); a number is accepted too.
type SendReply struct {
	ErrCode   int    `json:"errcode"`
	ErrMsg    string `json:"errmsg"`
	SubCode   string `json:"sub_code"`
	TaskID    int64  `json:"task_id"`
	RequestID string `json:"request_id"`
}

// ParseSendReply decodes asyncsend_v2's answer; one without errcode is not
// DingTalk's.
func ParseSendReply(body []byte) (SendReply, error) {
	var raw struct {
		ErrCode   *int            `json:"errcode"`
		ErrMsg    string          `json:"errmsg"`
		SubCode   json.RawMessage `json:"sub_code"`
		TaskID    json.RawMessage `json:"task_id"`
		RequestID string          `json:"request_id"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return SendReply{}, errors.New("reply is not JSON")
	}
	if raw.ErrCode == nil {
		return SendReply{}, errors.New("reply has no errcode")
	}
	r := SendReply{ErrCode: *raw.ErrCode, ErrMsg: raw.ErrMsg, RequestID: raw.RequestID, SubCode: subCode(raw.SubCode)}
	r.TaskID, _ = strconv.ParseInt(string(raw.TaskID), 10, 64) // informational only
	return r, nil
}

// subCode reads sub_code as DingTalk writes it (a string) or as a number.
func subCode(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func retryable(code int) bool {
	return code == ErrBusy || code == ErrFlowAll || code == ErrFlowCorp || code == ErrFlowApp
}

// tokenRefused: 40014/42001, or 88 (鉴权异常) whose sub_code says the token.
func tokenRefused(r SendReply) bool {
	if r.ErrCode == ErrInvalidToken || r.ErrCode == ErrTokenExpired {
		return true
	}
	sub, _ := strconv.Atoi(r.SubCode)
	return r.ErrCode == ErrAuth && (sub == ErrInvalidToken || sub == ErrTokenExpired)
}

// check maps a reply to nil, a token refusal (apptoken refreshes), a
// retryable error, an invalid recipient or a permanent error.
func (s *Sender) check(rep SendReply, userid, token string) error {
	code := rep.ErrCode
	msg := httpsend.Detail(rep.ErrMsg, token, s.secret)
	switch {
	case code == 0:
		return nil
	case tokenRefused(rep):
		httpsend.Count(Channel, "token")
		return fmt.Errorf("%s: errcode %d: %w", Channel, code, apptoken.ErrTokenInvalid)
	case retryable(code):
		httpsend.Count(Channel, "rate_limit")
		return fmt.Errorf("%s: errcode %d (flow control, retried later): %s", Channel, code, msg)
	case code == ErrInvalidUserID:
		httpsend.Count(Channel, "invalid_user")
		return channels.Permanent(fmt.Errorf("%s: userid %q: errcode %d: %w", Channel, userid, code, errInvalidUser))
	}
	httpsend.Count(Channel, "api")
	if rep.SubCode != "" {
		msg = "sub_code " + httpsend.Detail(rep.SubCode) + ": " + msg
	}
	return channels.Permanent(fmt.Errorf("%s: errcode %d: %s", Channel, code, msg))
}
