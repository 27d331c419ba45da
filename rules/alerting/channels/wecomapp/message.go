package wecomapp

import (
	"html"
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Limits of the textcard and text messages (发送应用消息).
const (
	MaxTitleBytes       = 128
	MaxDescriptionBytes = 512
	MaxURLBytes         = 2048
	MaxTextBytes        = 2048
	MaxButtonRunes      = 4
	// DuplicateCheckSeconds is how long WeCom drops a byte-identical repeat:
	// an outbox retry within it does not page the same person twice.
	DuplicateCheckSeconds = 1800
)

type message struct {
	ToUser                 string    `json:"touser"`
	MsgType                string    `json:"msgtype"`
	AgentID                int       `json:"agentid"`
	TextCard               *textCard `json:"textcard,omitempty"`
	Text                   *text     `json:"text,omitempty"`
	EnableDuplicateCheck   int       `json:"enable_duplicate_check"`
	DuplicateCheckInterval int       `json:"duplicate_check_interval"`
}

type textCard struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	BtnTxt      string `json:"btntxt"`
}

type text struct {
	Content string `json:"content"`
}

// newMessage renders n for one person: a textcard whose button opens their
// own link, or, when there is no link at all, a plain text (a page must not
// be lost for want of a URL).
func newMessage(n notice.Notification, r notice.Recipient, agentID int) message {
	m := message{ToUser: r.WeCom, AgentID: agentID, EnableDuplicateCheck: 1, DuplicateCheckInterval: DuplicateCheckSeconds}
	link := r.AckURL
	if link == "" {
		link = n.URL
	}
	if link == "" || len(link) > MaxURLBytes {
		m.MsgType = "text"
		m.Text = &text{Content: httpsend.Truncate(headline(n)+"\n"+n.Stage()+"\n"+n.Text, MaxTextBytes)}
		return m
	}
	btn := "查看处置"
	if n.Resolved {
		btn = "详情"
	}
	m.MsgType = "textcard"
	m.TextCard = &textCard{Title: httpsend.Truncate(headline(n), MaxTitleBytes), Description: description(n), URL: link, BtnTxt: btn}
	return m
}

// headline is n's title, marked 已恢复 when the incident is over.
func headline(n notice.Notification) string {
	t := strings.TrimSpace(n.Title)
	if t == "" {
		t = "告警通知"
	}
	if n.Resolved && !strings.Contains(t, "已恢复") {
		t = "【已恢复】" + t
	}
	return t
}

// description is the card body in WeCom's textcard markup (div classes gray,
// highlight, normal), at most MaxDescriptionBytes: whole lines while they
// fit, then the first line that does not, cut on a rune boundary, so the
// markup is never cut inside a tag.
func description(n notice.Notification) string {
	cls := "highlight"
	if n.Resolved {
		cls = "gray"
	}
	var b strings.Builder
	b.WriteString(`<div class="` + cls + `">` + html.EscapeString(n.Stage()) + `</div>`)
	for _, line := range strings.Split(n.Text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		const open, end = `<div class="normal">`, `</div>`
		room := MaxDescriptionBytes - b.Len() - len(open) - len(end)
		esc := html.EscapeString(line)
		if room < len(esc) {
			if cut := fitEscaped(line, room); cut != "" {
				b.WriteString(open + cut + end)
			}
			break
		}
		b.WriteString(open + esc + end)
	}
	return b.String()
}

// fitEscaped is the longest escaped prefix of line (with …) within room bytes.
func fitEscaped(line string, room int) string {
	// Escaping never shortens, so no prefix longer than room raw bytes fits:
	// start there (bounded work however long the line).
	for r := []rune(strings.TrimSuffix(httpsend.Truncate(line, max(room, 0)), "…")); len(r) > 0; r = r[:len(r)-1] {
		if s := html.EscapeString(string(r)) + "…"; len(s) <= room {
			return s
		}
	}
	return ""
}
