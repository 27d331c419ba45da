package dingwork

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

func FuzzParseSendReply(f *testing.F) {
	for _, s := range []string{`{"errcode":0,"task_id":256271667526,"request_id":"4jzllmte0wau"}`,
		`{"errcode":88,"sub_code":"40014","errmsg":"x"}`, `{"errcode":88,"sub_code":40014}`, `{"errcode":0,"task_id":"abc"}`,
		`{}`, `null`, `[]`, `{"errcode":"0"}`, `<html>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseSendReply(b)
		if err != nil {
			assert.Equal(t, SendReply{}, r)
			return
		}
		tokenRefused(r) // must not panic on any sub_code
	})
}

// FuzzMessage: whatever the title and text, the encoded msg stays within
// DingTalk's limit and valid UTF-8, and still names the incident.
func FuzzMessage(f *testing.F) {
	f.Add("【重要】灵宝市 链路中断", "区县：<灵宝市>\n站点：\"函谷关镇\" & 机房", false, true)
	f.Add(strings.Repeat("中", 100), strings.Repeat("<&>\\\"", 800), true, false)
	f.Fuzz(func(t *testing.T, title, text string, resolved, link bool) {
		if !utf8.ValidString(title) || !utf8.ValidString(text) {
			return
		}
		n := notice.Notification{IncidentID: 7, Step: 1, Severity: notice.Critical, Title: title, Text: text, Resolved: resolved}
		if link {
			n.URL = "https://swanwatch.example/incidents/7"
		}
		m := newMessage(n, notice.Recipient{DingTalk: "lisi01"})
		b, err := json.Marshal(m)
		assert.NoError(t, err)
		assert.LessOrEqual(t, len(b), MaxMsgBytes)
		assert.True(t, utf8.Valid(b))
		assert.Contains(t, string(b), "事件 #7")
	})
}
