package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitRuns(t *testing.T) {
	tests := []struct {
		in   string
		want []run
	}{
		{"", nil},
		{"R-A1", []run{{"R-A1", false}}},
		{"插件在线率", []run{{"插件在线率", true}}},
		{"监控插件在线率 99.9960%（目标 100%）", []run{{"监控插件在线率", true}, {" 99.9960%", false}, {"（目标", true}, {" 100%", false}, {"）", true}}},
		{"第 3 页", []run{{"第", true}, {" 3 ", false}, {"页", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, splitRuns(tt.in))
		})
	}
}

// runeWidth measures like a monospace font where CJK is two columns wide.
func runeWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		w++
		if isCJK(r) {
			w++
		}
	}
	return w
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		width float64
		want  []string
	}{
		{"", 10, []string{""}},
		{"hello world", 20, []string{"hello world"}},
		{"hello world", 8, []string{"hello", "world"}},
		{"vm-sz-0107-gov-cloud", 8, []string{"vm-sz-01", "07-gov-c", "loud"}},
		{"监控插件在线率", 6, []string{"监控插", "件在线", "率"}},
		{"插件 agent 离线", 8, []string{"插件", "agent 离", "线"}}, // CJK may break anywhere
		{"一行\n两行", 20, []string{"一行", "两行"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, wrap(tt.in, tt.width, runeWidth))
		})
	}
}

// FuzzWrap: wrapping loses no visible character, keeps order, and every
// line fits unless it is a single rune wider than the column.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"监控插件在线率 99.9960%", "vm-sz-0107 (gov-cloud-a/10.31.4.17)", "a  b\n\nc", "（）：，"} {
		f.Add(s, 6.0)
	}
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if !utf8.ValidString(s) || width < 2 || width > 200 {
			return
		}
		lines := wrap(s, width, runeWidth)
		require.Equal(t, strings.Join(strings.Fields(s), ""), strings.Join(strings.Fields(strings.Join(lines, "")), ""))
		for _, l := range lines {
			if utf8.RuneCountInString(l) > 1 {
				require.LessOrEqual(t, runeWidth(l), width, "line %q", l)
			}
		}
	})
}
