package feishu

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// MaxTextBytes keeps the request under Feishu's 20 KB body limit, leaving
// room for the JSON around the text.
const MaxTextBytes = 16000

type message struct {
	Timestamp string  `json:"timestamp,omitempty"`
	Sign      string  `json:"sign,omitempty"`
	MsgType   string  `json:"msg_type"`
	Content   content `json:"content"`
}

type content struct {
	Post map[string]post `json:"post"` // by language: zh_cn
}

type post struct {
	Title   string      `json:"title"`
	Content [][]element `json:"content"` // paragraphs of inline elements
}

type element struct {
	Tag    string `json:"tag"` // text, a, at
	Text   string `json:"text,omitempty"`
	Href   string `json:"href,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

// newMessage renders n. Feishu @-mentions by open_id/user_id ("all" for
// everyone); a phone number cannot be mentioned, so it is written out.
func newMessage(n notice.Notification) message {
	paras := [][]element{{{Tag: "text", Text: httpsend.Truncate(n.Text, MaxTextBytes)}}}
	var links []element
	if n.URL != "" {
		links = append(links, element{Tag: "a", Text: "查看告警", Href: n.URL})
	}
	if n.AckURL != "" && !n.Resolved {
		links = append(links, element{Tag: "text", Text: "  "}, element{Tag: "a", Text: "确认", Href: n.AckURL})
	}
	if len(links) > 0 {
		paras = append(paras, links)
	}
	if m := mentions(n.Mentions); len(m) > 0 {
		paras = append(paras, m)
	}
	p := post{Title: httpsend.Truncate(n.Title, 256), Content: paras}
	return message{MsgType: "post", Content: content{Post: map[string]post{"zh_cn": p}}}
}

func mentions(ms []string) []element {
	var out []element
	var phones []string
	for _, m := range ms {
		if strings.Trim(m, "+0123456789") == "" {
			phones = append(phones, m)
			continue
		}
		out = append(out, element{Tag: "at", UserID: m})
	}
	if len(phones) > 0 {
		out = append(out, element{Tag: "text", Text: " 值班电话：" + strings.Join(phones, "、")})
	}
	return out
}

// Reply is the robot API's answer, e.g. {"code":0,"msg":"success"}. Older
// hooks answer {"StatusCode":0,"StatusMessage":"success"}.
type Reply struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
}

// ParseReply decodes either reply form; one with neither code is an error.
func ParseReply(body []byte) (Reply, error) {
	var raw struct {
		Code       *int   `json:"code"`
		Msg        string `json:"msg"`
		StatusCode *int   `json:"StatusCode"`
		StatusMsg  string `json:"StatusMessage"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Reply{}, errors.New("reply is not JSON")
	}
	switch {
	case raw.Code != nil:
		return Reply{Code: *raw.Code, Msg: raw.Msg}, nil
	case raw.StatusCode != nil:
		return Reply{Code: *raw.StatusCode, Msg: raw.StatusMsg}, nil
	}
	return Reply{}, errors.New("reply has no code")
}
