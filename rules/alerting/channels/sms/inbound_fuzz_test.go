package sms

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

// checkReplies is what every parser's output must hold once normalised: a
// phone the roster could hold, content as normaliseContent leaves it.
func checkReplies(t *testing.T, raws []raw) {
	t.Helper()
	now := time.Unix(1796613129, 0)
	for _, rw := range raws {
		in, ok := rw.normalise(now)
		if !ok {
			continue
		}
		assert.True(t, channels.IsPhone(in.Phone), in.Phone)
		assert.Equal(t, in.Content, normaliseContent(in.Content), "normalising twice changes nothing")
		assert.NotEmpty(t, in.key)
	}
}

// FuzzParseAliyun: any body gives replies or an error, never a panic.
func FuzzParseAliyun(f *testing.F) {
	f.Add([]byte(`[{"phone_number":"13800000001","send_time":"2017-09-01 00:00:00","content":"1","sign_name":"s","dest_code":"1234","sequence_id":1234567890}]`))
	f.Add([]byte(`{"phone_number":"+8613800000001","content":"１ 12","sequence_id":"9"}`))
	f.Add([]byte(`[null,{"phone_number":1}]`))
	f.Add([]byte(`[{"sequence_id":true}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		raws, err := parseAliyun(body)
		if err == nil {
			checkReplies(t, raws)
		}
	})
}

// FuzzParseTencent: likewise for tencent's object.
func FuzzParseTencent(f *testing.F) {
	f.Add([]byte(`{"extend":"","mobile":"13800000001","nationcode":"86","sign":"s","text":"1","time":1457336869}`))
	f.Add([]byte(`{"mobile":"+8613800000001","nationcode":"+86","text":"确认","time":"1457336869"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		raws, err := parseTencent(body)
		if err == nil {
			require.Len(t, raws, 1)
			checkReplies(t, raws)
		}
	})
}

// FuzzParseGenericJSON: any body and paths, never a panic.
func FuzzParseGenericJSON(f *testing.F) {
	f.Add([]byte(`{"data":{"from":"13800000001","text":"1 5","ts":1796613129,"id":"x"}}`), "data.from", "data.text")
	f.Add([]byte(`{"a":[{"b":"13800000001"}],"c":null}`), "a.0.b", "c")
	f.Fuzz(func(t *testing.T, body []byte, phonePath, contentPath string) {
		cfg := InboundConfig{PhoneField: phonePath, ContentField: contentPath, TimeField: "data.ts", IDField: "data.id"}
		raws, err := genericJSON(cfg)(body)
		if err == nil {
			checkReplies(t, raws)
		}
	})
}

// FuzzParseGenericForm: any form body, never a panic.
func FuzzParseGenericForm(f *testing.F) {
	f.Add([]byte(`mobile=%2B8613800000001&msg=1+23&time=20261207031209`))
	f.Add([]byte(`mobile=%zz&msg=;`))
	f.Fuzz(func(t *testing.T, body []byte) {
		cfg := InboundConfig{PhoneField: "mobile", ContentField: "msg", TimeField: "time"}
		raws, err := genericForm(cfg)(body)
		if err == nil {
			checkReplies(t, raws)
		}
	})
}

// FuzzParseAck: an acknowledgement always starts with 1 or 确认, and "1 <n>"
// built from any positive number reads back as n.
func FuzzParseAck(f *testing.F) {
	for _, s := range []string{"1", "1 123", "1#123", "１ １２３", "确认", "确认 9", "11", "1 0", "\xff"} {
		f.Add(s, int64(42))
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		ack, incident := ParseAck(s)
		c := normaliseContent(s)
		if ack {
			assert.True(t, strings.HasPrefix(c, "1") || strings.HasPrefix(c, "确认"), "%q", s)
			assert.GreaterOrEqual(t, incident, int64(0))
		} else {
			assert.Zero(t, incident)
		}
		if n > 0 && n < 1e18 {
			for _, form := range []string{"1 %d", "1#%d", " 确认 %d "} {
				text := strings.Replace(form, "%d", strconv.FormatInt(n, 10), 1)
				ack, got := ParseAck(text)
				assert.True(t, ack, text)
				assert.Equal(t, n, got, text)
			}
		}
	})
}

// FuzzNormalise: phones and content keep their promises for any input.
func FuzzNormalise(f *testing.F) {
	f.Add("+86 138-0000-0001", " １ 123 ")
	f.Add("0086", strings.Repeat("机 ", 150))
	f.Add("+86+8613800000001", "１")
	f.Fuzz(func(t *testing.T, phone, content string) {
		p := normalisePhone(phone)
		assert.Equal(t, p, normalisePhone(p), "phone %q", phone)
		c := normaliseContent(content)
		assert.True(t, utf8.ValidString(c))
		assert.LessOrEqual(t, utf8.RuneCountInString(c), maxReplyRunes)
		assert.Equal(t, strings.TrimSpace(c), c)
		assert.False(t, strings.ContainsAny(c, "０１２３４５６７８９"))
		assert.Equal(t, c, normaliseContent(c))
	})
}

// FuzzInboundHandler: whatever an authenticated gateway sends, the handler
// answers 200 or 400 (onReply never fails here) and does not crash.
func FuzzInboundHandler(f *testing.F) {
	f.Add([]byte(`[{"phone_number":"13800000001","content":"1","sequence_id":1}]`))
	f.Add([]byte(`[{"phone_number":"13800000001"},{}]`))
	f.Add([]byte(`garbage`))
	h, err := NewInbound(InboundConfig{Format: FormatAliyun, Token: inboundToken, TokenQuery: "token"},
		func(context.Context, Reply) error { return nil }, slog.New(slog.DiscardHandler))
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/sms/inbound?token="+inboundToken, strings.NewReader(string(body)))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Contains(t, []int{http.StatusOK, http.StatusBadRequest}, rec.Code, rec.Body.String())
	})
}
