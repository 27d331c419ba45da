package wecomapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/apptoken"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

// The errcodes (全局错误码) that change what the sender does.
const (
	ErrBusy              = -1    // 系统繁忙: retry later
	ErrInvalidUserID     = 40003 // 无效的UserID
	ErrInvalidToken      = 40014 // 不合法的access_token: refresh
	ErrInvalidUserList   = 40031 // 不合法的UserID列表
	ErrInvalidAgentID    = 40056 // 不合法的agentid
	ErrTokenExpired      = 42001 // access_token已过期: refresh
	ErrSuiteTokenExpired = 42009 // the docs' other expired-token code: refresh
	ErrFreqLimit         = 45009 // 接口调用超过限制: retry later
	ErrConcurrencyLimit  = 45033 // 接口并发调用超过限制: retry later
	ErrIPNotAllowed      = 60020 // 不安全的访问IP
	ErrAllUsersInvalid   = 81013 // UserID、部门ID、标签ID全部非法或无权限
)

// errInvalidUser marks a recipient WeCom does not know (or the application
// cannot see): counted per person, and only fatal when it is everyone.
var errInvalidUser = errors.New("userid is not valid for this application")

// SendReply is message/send's answer.
type SendReply struct {
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	InvalidUser string `json:"invaliduser"` // "userid1|userid2"
	MsgID       string `json:"msgid"`
}

// ParseSendReply decodes message/send's answer; one without errcode is not
// WeCom's.
func ParseSendReply(body []byte) (SendReply, error) {
	var raw struct {
		ErrCode     *int   `json:"errcode"`
		ErrMsg      string `json:"errmsg"`
		InvalidUser string `json:"invaliduser"`
		MsgID       string `json:"msgid"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return SendReply{}, errors.New("reply is not JSON")
	}
	if raw.ErrCode == nil {
		return SendReply{}, errors.New("reply has no errcode")
	}
	return SendReply{ErrCode: *raw.ErrCode, ErrMsg: raw.ErrMsg, InvalidUser: raw.InvalidUser, MsgID: raw.MsgID}, nil
}

// Invalid reports whether userid is among the reply's invaliduser list.
func (r SendReply) Invalid(userid string) bool {
	return r.InvalidUser != "" && slices.Contains(strings.Split(r.InvalidUser, "|"), userid)
}

func retryable(code int) bool {
	return code == ErrBusy || code == ErrFreqLimit || code == ErrConcurrencyLimit
}

// hint tells the operator what a configuration errcode means.
func hint(code int) string {
	switch code {
	case 40001:
		return " (secret is wrong)"
	case 40013:
		return " (corp_id is wrong)"
	case ErrInvalidAgentID:
		return " (agent_id is not an application of this corp)"
	case ErrIPNotAllowed:
		return " (this server's IP is not in the application's 企业可信IP list)"
	case 48002:
		return " (the application may not call this API)"
	}
	return ""
}

// check maps a reply to nil, a token refusal (apptoken refreshes), a
// retryable error, an invalid recipient or a permanent error.
func (s *Sender) check(rep SendReply, userid, token string) error {
	code := rep.ErrCode
	msg := httpsend.Detail(rep.ErrMsg, token, s.secret)
	switch {
	case code == 0 && !rep.Invalid(userid):
		return nil
	case code == 0:
		httpsend.Count(Channel, "invalid_user")
		return channels.Permanent(fmt.Errorf("%s: userid %q: %w", Channel, userid, errInvalidUser))
	case code == ErrInvalidToken || code == ErrTokenExpired || code == ErrSuiteTokenExpired:
		httpsend.Count(Channel, "token")
		return fmt.Errorf("%s: errcode %d: %w", Channel, code, apptoken.ErrTokenInvalid)
	case retryable(code):
		httpsend.Count(Channel, "rate_limit")
		return fmt.Errorf("%s: errcode %d (rate limited, retried later): %s", Channel, code, msg)
	case code == ErrInvalidUserID || code == ErrInvalidUserList || code == ErrAllUsersInvalid:
		httpsend.Count(Channel, "invalid_user")
		return channels.Permanent(fmt.Errorf("%s: userid %q: errcode %d: %w", Channel, userid, code, errInvalidUser))
	}
	httpsend.Count(Channel, "api")
	return channels.Permanent(fmt.Errorf("%s: errcode %d%s: %s", Channel, code, hint(code), msg))
}
