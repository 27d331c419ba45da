package sms

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

func TestField(t *testing.T) {
	tests := []struct {
		reply, path, want string
		ok                bool
	}{
		{`{"result":{"code":"0"}}`, "result.code", "0", true},
		{`{"data":[{"status":true}]}`, "data.0.status", "true", true},
		{`{"code":10.50}`, "code", "10.50", true},
		{`{"code":null}`, "code", "null", true},
		{`{"data":[]}`, "data.0", "", false},
		{`{"data":{"a":1}}`, "data", "", false},
		{`{"code":"0"}`, "code.x", "", false},
		{`nope`, "code", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.path+" "+tc.reply, func(t *testing.T) {
			got, err := field([]byte(tc.reply), tc.path)
			if !tc.ok {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// FuzzField: any reply and path give a value or an error, never a panic; and
// a string we put at a known path comes back unchanged.
func FuzzField(f *testing.F) {
	f.Add([]byte(`{"result":{"code":"0"}}`), "result.code")
	f.Add([]byte(`{"data":[{"s":1}]}`), "data.0.s")
	f.Add([]byte(`[1,2]`), "-1")
	f.Fuzz(func(t *testing.T, reply []byte, path string) {
		_, _ = field(reply, path)
		if !utf8.ValidString(path) {
			return // JSON would replace the bad bytes
		}
		known, err := json.Marshal(map[string]any{"a": []any{map[string]string{"b": path}}})
		require.NoError(t, err)
		got, err := field(known, "a.0.b")
		require.NoError(t, err)
		assert.Equal(t, path, got)
	})
}

// FuzzPhones: whatever the mentions, every number kept is 5–20 digits with an
// optional +, and nothing is kept twice.
func FuzzPhones(f *testing.F) {
	f.Add("138-0000-0001", "+86 139 0000 0002")
	f.Add("zhangsan", "@all")
	f.Fuzz(func(t *testing.T, a, b string) {
		got, bad := phones([]string{a, b, a})
		assert.LessOrEqual(t, len(got)+bad, 3)
		seen := map[string]bool{}
		for _, p := range got {
			assert.True(t, channels.IsPhone(p), p)
			assert.False(t, seen[p], p)
			seen[p] = true
		}
	})
}
