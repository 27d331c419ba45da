package dingwork

import (
	"encoding/json"
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Limits. MaxMsgBytes is the work notification's msg, encoded (发送工作通知:
// msg 最长不超过2048个字节); MaxTitleBytes keeps the conversation-list line
// short (the docs give no number for action_card.title).
const (
	MaxMsgBytes   = 2048
	MaxTitleBytes = 128
)

type request struct {
	AgentID    int64   `json:"agent_id"`
	UserIDList string  `json:"userid_list"`
	Msg        message `json:"msg"`
}

type message struct {
	MsgType    string      `json:"msgtype"`
	ActionCard *actionCard `json:"action_card,omitempty"`
	Markdown   *markdown   `json:"markdown,omitempty"`
}

type actionCard struct {
	Title       string `json:"title"` // what the conversation list and the notification show
	Markdown    string `json:"markdown"`
	SingleTitle string `json:"single_title"`
	SingleURL   string `json:"single_url"`
}

type markdown struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// newMessage renders n for one person: an action_card whose single button
// opens their own link, or, with no link at all, a markdown message (a page
// must not be lost for want of a URL). The body carries the incident number
// and the step, so no two pages of an incident are the same content.
func newMessage(n notice.Notification, r notice.Recipient) message {
	link := r.AckURL
	if link == "" {
		link = n.URL
	}
	title := httpsend.Truncate(headline(n), MaxTitleBytes)
	if link == "" {
		m := message{MsgType: "markdown", Markdown: &markdown{Title: title}}
		m.Markdown.Text = fitBody(body(n), MaxMsgBytes-encodedLen(m))
		return m
	}
	btn := "查看并处置"
	if n.Resolved {
		btn = "查看详情"
	}
	m := message{MsgType: "action_card", ActionCard: &actionCard{Title: title, SingleTitle: btn, SingleURL: link}}
	m.ActionCard.Markdown = fitBody(body(n), MaxMsgBytes-encodedLen(m))
	return m
}

// encodedLen is v's size as the request encodes it (json.Marshal, which
// also escapes <, > and &).
func encodedLen(v any) int {
	b, _ := json.Marshal(v)
	return len(b)
}

// fitBody is the longest cut of body whose JSON string content fits in room
// bytes. Escaping makes the encoded size up to six times the text's (<, >,
// & become \u003c…), so the cut is found by bisection on the text's length.
func fitBody(body string, room int) string {
	fits := func(limit int) bool { return encodedLen(httpsend.Truncate(body, limit))-2 <= room }
	if fits(len(body)) {
		return body
	}
	lo, hi := 0, len(body) // fits(lo), !fits(hi)
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return httpsend.Truncate(body, lo)
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

// body is the card's markdown: title, stage, then the text, one paragraph a
// line (DingTalk's markdown needs blank lines to break).
func body(n notice.Notification) string {
	var b strings.Builder
	b.WriteString("#### " + httpsend.Truncate(headline(n), MaxTitleBytes) + "\n\n")
	b.WriteString("**" + n.Stage() + "**")
	for _, line := range strings.Split(n.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString("\n\n" + line)
		}
	}
	return b.String()
}
