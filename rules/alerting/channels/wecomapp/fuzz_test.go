package wecomapp

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

func FuzzParseSendReply(f *testing.F) {
	for _, s := range []string{`{"errcode":0,"errmsg":"ok","invaliduser":"a|b","msgid":"m"}`, `{"errcode":45009}`,
		`{}`, `null`, `[]`, `{"errcode":"0"}`, `{"errcode":0,"invaliduser":7}`, `<html>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseSendReply(b)
		if err != nil {
			assert.Equal(t, SendReply{}, r)
			return
		}
		r.Invalid("lisi") // must not panic on any list
	})
}

// FuzzDescription: whatever the text, the card body stays within WeCom's
// limit, valid UTF-8, with its markup whole.
func FuzzDescription(f *testing.F) {
	f.Add("区县：灵宝市\n站点：<函谷关镇> & 机房", false)
	f.Add(strings.Repeat("时延", 400), true)
	f.Fuzz(func(t *testing.T, text string, resolved bool) {
		if !utf8.ValidString(text) {
			return
		}
		d := description(notice.Notification{IncidentID: 7, Step: 1, Severity: notice.Critical, Text: text, Resolved: resolved})
		assert.LessOrEqual(t, len(d), MaxDescriptionBytes)
		assert.True(t, utf8.ValidString(d))
		assert.Equal(t, strings.Count(d, "<div"), strings.Count(d, "</div>"))
	})
}
