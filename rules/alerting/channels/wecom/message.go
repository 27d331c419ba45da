package wecom

import (
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

// ErrRateLimited is WeCom's errcode for more than 20 messages a minute per
// robot: a retry later succeeds.
const ErrRateLimited = 45009

type message struct {
	MsgType  string    `json:"msgtype"`
	Markdown *markdown `json:"markdown,omitempty"`
	Text     *text     `json:"text,omitempty"`
}

type markdown struct {
	Content string `json:"content"`
}

type text struct {
	Content             string   `json:"content"`
	MentionedList       []string `json:"mentioned_list,omitempty"`
	MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
}

// color is WeCom markdown's font colour: warning is orange-red, info green.
func color(n notice.Notification) string {
	if n.Resolved {
		return "info"
	}
	return "warning"
}

// markdownMessage renders n: the title in colour, the text, then links.
func markdownMessage(n notice.Notification) message {
	var b strings.Builder
	b.WriteString(`## <font color="` + color(n) + `">` + n.Title + "</font>\n")
	b.WriteString(n.Text)
	if n.URL != "" {
		b.WriteString("\n[查看告警](" + n.URL + ")")
	}
	if n.AckURL != "" && !n.Resolved {
		b.WriteString("  [确认](" + n.AckURL + ")")
	}
	return message{MsgType: "markdown", Markdown: &markdown{Content: httpsend.Truncate(b.String(), MaxMarkdownBytes)}}
}

// mentionMessage @-mentions the people on duty about n.
func mentionMessage(n notice.Notification) message {
	t := &text{Content: httpsend.Truncate("请值班人员处理："+n.Title, MaxTextBytes)}
	for _, m := range n.Mentions {
		if channels.IsPhone(m) {
			t.MentionedMobileList = append(t.MentionedMobileList, m)
		} else {
			t.MentionedList = append(t.MentionedList, m)
		}
	}
	if n.Resolved {
		t.Content = httpsend.Truncate("已恢复："+n.Title, MaxTextBytes)
	}
	return message{MsgType: "text", Text: t}
}
