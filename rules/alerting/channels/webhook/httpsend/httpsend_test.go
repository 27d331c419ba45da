package httpsend

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"告警", 6, "告警"},
		{"告警已恢复", 9, "告警…"},  // 告警 (6) + … (3)
		{"告警已恢复", 10, "告警…"}, // 已 would need 3 more bytes
		{"abc", 0, ""},
		{"告警", 2, ""}, // no room for a whole rune
		{"ab告", 4, "a…"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := Truncate(tc.in, tc.max)
			assert.Equal(t, tc.want, got)
			assert.LessOrEqual(t, len(got), max(tc.max, 0))
		})
	}
}

func TestRedact(t *testing.T) {
	got := Redact("https://user:pw@oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1&sign=zz#frag")
	assert.Equal(t, "https://oapi.dingtalk.com/robot/send?access_token=%3Csecret%3E&sign=%3Csecret%3E&timestamp=%3Csecret%3E", got)
	assert.Equal(t, "<invalid url>", Redact("http://[::1"))
}

func TestDetailScrubsAndBounds(t *testing.T) {
	got := Detail(" invalid key abc123 "+strings.Repeat("错", 200), "abc123", "")
	assert.NotContains(t, got, "abc123")
	assert.LessOrEqual(t, len(got), maxDetail)
	assert.True(t, utf8.ValidString(got))
}

func FuzzTruncate(f *testing.F) {
	f.Add("告警已恢复", 7)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if !utf8.ValidString(s) || n < 0 || n > 1<<16 {
			return
		}
		got := Truncate(s, n)
		assert.LessOrEqual(t, len(got), n)
		assert.True(t, utf8.ValidString(got))
		if len(s) <= n {
			assert.Equal(t, s, got)
		}
	})
}
