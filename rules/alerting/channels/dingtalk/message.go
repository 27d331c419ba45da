package dingtalk

import (
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

// MaxTextBytes keeps markdown.text under DingTalk's 20000-byte message limit.
const MaxTextBytes = 18000

type message struct {
	MsgType  string   `json:"msgtype"`
	Markdown markdown `json:"markdown"`
	At       at       `json:"at"`
}

type markdown struct {
	Title string `json:"title"` // what the chat list previews
	Text  string `json:"text"`
}

type at struct {
	AtMobiles []string `json:"atMobiles,omitempty"`
	AtUserIDs []string `json:"atUserIds,omitempty"`
	IsAtAll   bool     `json:"isAtAll"`
}

// newMessage renders n. A mention shows only when the text names the person
// as @phone (or @userId), so the names follow the body.
func newMessage(n notice.Notification) message {
	var b strings.Builder
	b.WriteString("### " + n.Title + "\n\n")
	b.WriteString(strings.ReplaceAll(n.Text, "\n", "\n\n")) // markdown needs blank lines
	if n.URL != "" {
		b.WriteString("\n\n[查看告警](" + n.URL + ")")
	}
	if n.AckURL != "" && !n.Resolved {
		b.WriteString("  [确认](" + n.AckURL + ")")
	}
	var a at
	if len(n.Mentions) > 0 {
		b.WriteString("\n\n")
		for _, m := range n.Mentions {
			b.WriteString("@" + m + " ")
			if channels.IsPhone(m) {
				a.AtMobiles = append(a.AtMobiles, m)
			} else {
				a.AtUserIDs = append(a.AtUserIDs, m)
			}
		}
	}
	text := httpsend.Truncate(strings.TrimRight(b.String(), " "), MaxTextBytes)
	return message{MsgType: "markdown", Markdown: markdown{Title: httpsend.Truncate(n.Title, 256), Text: text}, At: a}
}
