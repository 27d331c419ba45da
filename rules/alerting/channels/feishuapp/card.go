package feishuapp

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Byte bounds of the card's texts: Feishu refuses a card body over 30 KB
// (230025), so the text is cut well below it.
const (
	MaxTitleBytes = 256
	MaxTextBytes  = 8000
)

// ButtonText is the card's one button: it opens the person's own link.
const ButtonText = "查看并处置"

// The card (消息卡片, msg_type interactive): a coloured header with the
// title, the text, and a button opening a URL.
type card struct {
	Config   cardConfig `json:"config"`
	Header   header     `json:"header"`
	Elements []element  `json:"elements"`
}

type cardConfig struct {
	WideScreenMode bool `json:"wide_screen_mode"`
}

type header struct {
	Title    text   `json:"title"`
	Template string `json:"template"` // the header's colour
}

type text struct {
	Tag     string `json:"tag"` // plain_text: alert text is never read as markdown
	Content string `json:"content"`
}

type element struct {
	Tag     string   `json:"tag"` // div, action
	Text    *text    `json:"text,omitempty"`
	Actions []button `json:"actions,omitempty"`
}

type button struct {
	Tag  string `json:"tag"` // button
	Text text   `json:"text"`
	Type string `json:"type"` // primary
	URL  string `json:"url"`
}

// Colour is the header template for n: green when resolved, else by
// severity (red 紧急, orange 重要, yellow 次要, blue 提示).
func Colour(n notice.Notification) string {
	if n.Resolved {
		return "green"
	}
	switch n.Severity {
	case notice.Critical:
		return "red"
	case notice.Major:
		return "orange"
	case notice.Minor:
		return "yellow"
	}
	return "blue"
}

// cardJSON renders n for r as the string Feishu wants in content.
func cardJSON(n notice.Notification, r notice.Recipient) (string, error) {
	c := card{
		Config: cardConfig{WideScreenMode: true},
		Header: header{Title: plain(httpsend.Truncate(n.Title, MaxTitleBytes)), Template: Colour(n)},
	}
	body := plain(httpsend.Truncate(n.Text, MaxTextBytes))
	c.Elements = append(c.Elements, element{Tag: "div", Text: &body})
	link := r.AckURL
	if link == "" {
		link = n.URL
	}
	if link != "" {
		c.Elements = append(c.Elements, element{Tag: "action", Actions: []button{{
			Tag: "button", Text: plain(ButtonText), Type: "primary", URL: link,
		}}})
	}
	b, err := json.Marshal(c)
	return string(b), err
}

func plain(s string) text { return text{Tag: "plain_text", Content: s} }

// idempotencyKey is the message's uuid: the same for the same notification
// and person, so that a retry is not delivered twice. Feishu allows 50
// characters; a notification ID and an open_id together can be longer, so
// the key is a hash of both.
func idempotencyKey(notificationID, openID string) string {
	sum := sha256.Sum256([]byte(notificationID + "\x00" + openID))
	return "sw-" + hex.EncodeToString(sum[:20])
}
