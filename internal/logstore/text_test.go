package logstore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFolderContains(t *testing.T) {
	for _, tc := range []struct {
		text, needle string
		want         bool
	}{
		{"Deny TCP 10.0.0.1", "deny", true},
		{"Deny TCP 10.0.0.1", "DENY tcp", true},
		{"policy BLOCK-ALL", "block-all", true},
		{"dddDENy", "deny", true},
		{"denied", "deny", false},
		{"防火墙拒绝 deny", "拒绝", true},
		{"防火墙拒绝", "拒 绝", false},
		{"登录失败 user Admin", "admin", true},
		{"登录失败 user Admin", "失败 USER", true},
		{"10.0.0.1", "10.0.0.1", true},
		{"10.0.0.1", "10.0.0.2", false},
		{"ÄBC", "äbc", false}, // only ASCII folds
		{"abc", "", true},
		{"ab", "abc", false},
		{"xxxxxxxxxxxxxxxxxxxxXab", "xab", true},
		{strings.Repeat("aA", 5000) + "aAb", "aab", true},
		{strings.Repeat("aA", 5000), "aab", false},
	} {
		assert.Equal(t, tc.want, newFolder(tc.needle).contains([]byte(tc.text)), "%q in %.40q", tc.needle, tc.text)
	}
}

// FuzzFolder checks the fast search against the obvious one.
func FuzzFolder(f *testing.F) {
	f.Add("Deny TCP 10.0.0.1 拒绝", "deny")
	f.Add("aAaAaAb", "AAB")
	f.Fuzz(func(t *testing.T, text, needle string) {
		if len(needle) > 64 || len(text) > 4096 {
			return
		}
		want := strings.Contains(lowerAll(text), lowerAll(needle))
		if got := newFolder(needle).contains([]byte(text)); got != want {
			t.Fatalf("contains(%q, %q) = %v, want %v", text, needle, got, want)
		}
	})
}

func lowerAll(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = lowerASCII(b[i])
	}
	return string(b)
}
