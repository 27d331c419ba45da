package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const inboundToken = "tok-inbound-7f3a9c2e41"

// replyLog records what onReply was given and answers with the next scripted
// error (nil when the script is used up).
type replyLog struct {
	mu     sync.Mutex
	got    []Reply
	script []error
}

func (l *replyLog) onReply(_ context.Context, r Reply) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, r)
	if len(l.script) == 0 {
		return nil
	}
	err := l.script[0]
	l.script = l.script[1:]
	return err
}

func (l *replyLog) replies() []Reply {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Reply(nil), l.got...)
}

// callback is the gateway's side: it POSTs a body to the handler over HTTP.
type callback struct {
	url    string
	header string // token header name, "" for the query
	query  string
}

func startInbound(t *testing.T, cfg InboundConfig, onReply func(context.Context, Reply) error, log *slog.Logger) callback {
	t.Helper()
	if cfg.Token == "" {
		cfg.Token = inboundToken
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h, err := NewInbound(cfg, onReply, log)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := callback{url: srv.URL + "/sms/inbound", header: DefaultTokenHeader}
	if cfg.TokenHeader != "" {
		c.header = cfg.TokenHeader
	}
	if cfg.TokenQuery != "" {
		c.header, c.query = "", cfg.TokenQuery
	}
	return c
}

// post sends body with token (in the configured place) and returns the status
// and the reply body.
func (c callback) post(t *testing.T, token, ctype, body string) (int, string) {
	t.Helper()
	target := c.url
	if c.query != "" {
		target += "?" + url.Values{c.query: {token}}.Encode()
	}
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ctype)
	if c.header != "" && token != "" {
		req.Header.Set(c.header, token)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

const ctJSON, ctForm = "application/json", "application/x-www-form-urlencoded"

// inboundCount reads swanwatch_sms_inbound_total{result}.
func inboundCount(result string) uint64 {
	return metrics.GetOrCreateCounter(`swanwatch_sms_inbound_total{result="` + result + `"}`).Get()
}

// counts snapshots the counters so a test can assert what it added.
type counts map[string]uint64

var inboundResults = []string{"ok", "duplicate", "unknown_sender", "failed", "busy", "invalid",
	"bad_method", "bad_token", "too_large", "garbage"}

func snapshot() counts {
	c := counts{}
	for _, r := range inboundResults {
		c[r] = inboundCount(r)
	}
	return c
}

// added is what each result gained since c, zero results left out.
func (c counts) added() map[string]uint64 {
	out := map[string]uint64{}
	for _, r := range inboundResults {
		if d := inboundCount(r) - c[r]; d != 0 {
			out[r] = d
		}
	}
	return out
}

func TestInboundAliyun(t *testing.T) {
	var log replyLog
	c := startInbound(t, InboundConfig{Format: FormatAliyun, TokenQuery: "token"}, log.onReply, nil)
	before := snapshot()
	// 阿里云 SmsUp HTTP 批量推送: sequence_id a Number on one page, a String on the other.
	status, body := c.post(t, inboundToken, ctJSON, `[
	 {"phone_number":"+86 138-0000-0001","send_time":"2026-12-07 03:12:09","content":" １ 123 ","sign_name":"天鹅监控","dest_code":"1234","sequence_id":9007199254740993},
	 {"phone_number":"13900000002","send_time":"20261207031510","content":"已到机房","sign_name":"天鹅监控","dest_code":"1234","sequence_id":"77"}]`)

	require.Equal(t, http.StatusOK, status, body)
	var ack struct {
		Code *int   `json:"code"`
		Msg  string `json:"msg"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &ack))
	require.NotNil(t, ack.Code, "aliyun checks that code is a number: %s", body)
	assert.Equal(t, 0, *ack.Code)
	assert.Equal(t, []Reply{
		{Phone: "13800000001", Content: "1 123", At: time.Date(2026, 12, 6, 19, 12, 9, 0, time.UTC), ID: "9007199254740993"},
		{Phone: "13900000002", Content: "已到机房", At: time.Date(2026, 12, 6, 19, 15, 10, 0, time.UTC), ID: "77"},
	}, utcReplies(log.replies()))
	assert.Equal(t, map[string]uint64{"ok": 2}, before.added())
}

func TestInboundTencent(t *testing.T) {
	var log replyLog
	c := startInbound(t, InboundConfig{Format: FormatTencent, TokenQuery: "k"}, log.onReply, nil)
	// 腾讯云短信 回复短信回调.
	status, body := c.post(t, inboundToken, ctJSON,
		`{"extend":"","mobile":"13800000001","nationcode":"86","sign":"天鹅监控","text":"确认","time":1796613129}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"result":0,"errmsg":"OK"}`, body)

	status, _ = c.post(t, inboundToken, ctJSON,
		`{"extend":"","mobile":"6591234567","nationcode":"65","sign":"天鹅监控","text":"ok","time":"1796613130"}`)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []Reply{
		{Phone: "13800000001", Content: "确认", At: time.Unix(1796613129, 0).UTC()},
		{Phone: "+656591234567", Content: "ok", At: time.Unix(1796613130, 0).UTC()},
	}, utcReplies(log.replies()))
}

func TestInboundGeneric(t *testing.T) {
	t.Run("json dotted paths", func(t *testing.T) {
		var log replyLog
		c := startInbound(t, InboundConfig{Format: FormatGeneric, PhoneField: "data.from", ContentField: "data.msg.text",
			TimeField: "data.ts", IDField: "data.msgid"}, log.onReply, nil)
		status, body := c.post(t, inboundToken, ctJSON,
			`{"data":{"from":"0086 139 0000 0002","msg":{"text":"1#42"},"ts":1796613129000,"msgid":"m-1"}}`)
		require.Equal(t, http.StatusOK, status, body)
		assert.Equal(t, "ok", body)
		assert.Equal(t, []Reply{{Phone: "13900000002", Content: "1#42", At: time.UnixMilli(1796613129000).UTC(), ID: "m-1"}},
			utcReplies(log.replies()))
	})
	t.Run("form", func(t *testing.T) {
		var log replyLog
		c := startInbound(t, InboundConfig{Format: FormatGeneric, Encoding: "form", TokenHeader: "Authorization",
			PhoneField: "mobile", ContentField: "msg", TimeField: "time"}, log.onReply, nil)
		form := url.Values{"mobile": {"8613800000001"}, "msg": {"机房 UPS 已切换"}, "time": {"2026-12-07T03:12:09+08:00"}}
		status, body := c.post(t, inboundToken, ctForm, form.Encode())
		require.Equal(t, http.StatusOK, status, body)
		assert.Equal(t, []Reply{{Phone: "13800000001", Content: "机房 UPS 已切换", At: time.Date(2026, 12, 6, 19, 12, 9, 0, time.UTC)}},
			utcReplies(log.replies()))
	})
}

func utcReplies(rs []Reply) []Reply {
	for i := range rs {
		rs[i].At = rs[i].At.UTC()
	}
	return rs
}

// TestInboundRefuses: every bad callback gets its status, is counted, and
// never reaches onReply.
func TestInboundRefuses(t *testing.T) {
	good := `[{"phone_number":"13800000001","send_time":"2026-12-07 03:12:09","content":"1","sequence_id":1}]`
	tests := []struct {
		name        string
		method      string
		token, body string
		status      int
		result      string
	}{
		{"GET", http.MethodGet, inboundToken, "", http.StatusMethodNotAllowed, "bad_method"},
		{"no token", http.MethodPost, "", good, http.StatusUnauthorized, "bad_token"},
		{"wrong token", http.MethodPost, inboundToken + "x", good, http.StatusUnauthorized, "bad_token"},
		{"token prefix", http.MethodPost, inboundToken[:10], good, http.StatusUnauthorized, "bad_token"},
		{"not JSON", http.MethodPost, inboundToken, "<xml>1</xml>", http.StatusBadRequest, "garbage"},
		{"empty body", http.MethodPost, inboundToken, "", http.StatusBadRequest, "garbage"},
		{"empty array", http.MethodPost, inboundToken, "[]", http.StatusBadRequest, "garbage"},
		{"wrong types", http.MethodPost, inboundToken, `[{"phone_number":["1"]}]`, http.StatusBadRequest, "garbage"},
		{"masked phone", http.MethodPost, inboundToken, `[{"phone_number":"1381111****","content":"1"}]`, http.StatusBadRequest, "garbage"},
		{"oversize", http.MethodPost, inboundToken, "[" + strings.Repeat(" ", 64<<10) + "]", http.StatusRequestEntityTooLarge, "too_large"},
	}
	var log replyLog
	c := startInbound(t, InboundConfig{Format: FormatAliyun, TokenQuery: "token"}, log.onReply, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := snapshot()
			req, err := http.NewRequest(tc.method, c.url+"?token="+url.QueryEscape(tc.token), strings.NewReader(tc.body))
			require.NoError(t, err)
			status, body := do(t, req)
			assert.Equal(t, tc.status, status, body)
			assert.NotContains(t, body, inboundToken)
			assert.Equal(t, map[string]uint64{tc.result: 1}, before.added())
		})
	}
	assert.Empty(t, log.replies())
}

// TestInboundTokenPlace: a token in the header is not read from the query, and
// the other way round.
func TestInboundTokenPlace(t *testing.T) {
	var log replyLog
	c := startInbound(t, InboundConfig{Format: FormatTencent, TokenHeader: "X-Sms-Key"}, log.onReply, nil)
	body := `{"mobile":"13800000001","nationcode":"86","text":"1","time":1796613129}`
	req, err := http.NewRequest(http.MethodPost, c.url+"?token="+inboundToken, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set(DefaultTokenHeader, inboundToken) // the default name, not the configured one
	status, _ := do(t, req)
	assert.Equal(t, http.StatusUnauthorized, status)
	status, _ = c.post(t, inboundToken, ctJSON, body)
	assert.Equal(t, http.StatusOK, status)
	assert.Len(t, log.replies(), 1)
}

// TestInboundSkipsBadReplyInBatch: one unusable element does not lose the
// others of aliyun's batch.
func TestInboundSkipsBadReplyInBatch(t *testing.T) {
	var log replyLog
	c := startInbound(t, InboundConfig{Format: FormatAliyun, TokenQuery: "token"}, log.onReply, nil)
	before := snapshot()
	status, _ := c.post(t, inboundToken, ctJSON, `[{"phone_number":"","content":"1","sequence_id":1},
		null, {"phone_number":"13800000001","content":"1","sequence_id":2}]`)
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, log.replies(), 1)
	assert.Equal(t, map[string]uint64{"ok": 1, "invalid": 2}, before.added())
}

func TestInboundDuplicateRetry(t *testing.T) {
	t.Run("aliyun by sequence_id", func(t *testing.T) {
		var log replyLog
		c := startInbound(t, InboundConfig{Format: FormatAliyun, TokenQuery: "token"}, log.onReply, nil)
		batch := `[{"phone_number":"13800000001","send_time":"2026-12-07 03:12:09","content":"1","sequence_id":5},
			{"phone_number":"13800000002","send_time":"2026-12-07 03:12:10","content":"1","sequence_id":6}]`
		status, _ := c.post(t, inboundToken, ctJSON, batch)
		require.Equal(t, http.StatusOK, status)
		before := snapshot()
		status, body := c.post(t, inboundToken, ctJSON, batch) // the push repeated: our 200 was lost
		require.Equal(t, http.StatusOK, status)
		assert.JSONEq(t, `{"code":0,"msg":"成功"}`, body)
		assert.Len(t, log.replies(), 2, "a retry must not acknowledge twice")
		assert.Equal(t, map[string]uint64{"duplicate": 2}, before.added())
	})
	t.Run("tencent by phone time content", func(t *testing.T) {
		var log replyLog
		c := startInbound(t, InboundConfig{Format: FormatTencent, TokenQuery: "token"}, log.onReply, nil)
		for _, b := range []string{
			`{"mobile":"13800000001","nationcode":"86","text":"1","time":1796613129}`,
			`{"mobile":"13800000001","nationcode":"86","text":"1","time":1796613129}`, // retry
			`{"mobile":"13800000001","nationcode":"86","text":"1","time":1796613300}`, // a new "1"
			`{"mobile":"13800000001","nationcode":"86","text":"2","time":1796613300}`, // a note
		} {
			status, _ := c.post(t, inboundToken, ctJSON, b)
			require.Equal(t, http.StatusOK, status)
		}
		assert.Len(t, log.replies(), 3)
	})
}

// TestInboundFailureRetried: an onReply error answers 500; the gateway's
// push again skips what was handled and retries the rest, in order.
func TestInboundFailureRetried(t *testing.T) {
	log := replyLog{script: []error{nil, errors.New("database is locked")}}
	c := startInbound(t, InboundConfig{Format: FormatAliyun, TokenQuery: "token"}, log.onReply, nil)
	batch := `[{"phone_number":"13800000001","content":"1","sequence_id":1},
		{"phone_number":"13800000002","content":"1 9","sequence_id":2},
		{"phone_number":"13800000003","content":"在路上","sequence_id":3}]`
	before := snapshot()
	status, _ := c.post(t, inboundToken, ctJSON, batch)
	require.Equal(t, http.StatusInternalServerError, status)
	status, _ = c.post(t, inboundToken, ctJSON, batch)
	require.Equal(t, http.StatusOK, status)

	var phones []string
	for _, r := range log.replies() {
		phones = append(phones, r.Phone)
	}
	assert.Equal(t, []string{"13800000001", "13800000002", "13800000002", "13800000003"}, phones)
	assert.Equal(t, map[string]uint64{"ok": 3, "failed": 1, "duplicate": 1}, before.added())
}

func TestInboundUnknownSender(t *testing.T) {
	log := replyLog{script: []error{fmt.Errorf("phone 139****0009: %w", ErrUnknownSender)}}
	c := startInbound(t, InboundConfig{Format: FormatTencent, TokenQuery: "token"}, log.onReply, nil)
	body := `{"mobile":"13900000009","nationcode":"86","text":"1","time":1796613129}`
	before := snapshot()
	status, resp := c.post(t, inboundToken, ctJSON, body)
	require.Equal(t, http.StatusOK, status, "a stranger's reply must not make the gateway retry")
	assert.JSONEq(t, `{"result":0,"errmsg":"OK"}`, resp)
	status, _ = c.post(t, inboundToken, ctJSON, body)
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, log.replies(), 1)
	assert.Equal(t, map[string]uint64{"unknown_sender": 1, "duplicate": 1}, before.added())
}

// TestInboundRetryWhileInFlight: a push repeated while the first is still in
// onReply is told to come back (503), and acts once in all.
func TestInboundRetryWhileInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	var calls int
	var mu sync.Mutex
	onReply := func(context.Context, Reply) error {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first { // only the first blocks, so a broken dedupe fails here instead of hanging
			close(entered)
			<-release
		}
		return nil
	}
	c := startInbound(t, InboundConfig{Format: FormatGeneric, IDField: "id", TokenQuery: "token"}, onReply, nil)
	body := `{"phone":"13800000001","content":"1","id":"a"}`
	first := make(chan int)
	go func() { // no t in here: FailNow must stay on the test's goroutine
		resp, err := http.Post(c.url+"?token="+inboundToken, ctJSON, strings.NewReader(body))
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-entered
	status, _ := c.post(t, inboundToken, ctJSON, body)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	close(release)
	assert.Equal(t, http.StatusOK, <-first)
	status, _ = c.post(t, inboundToken, ctJSON, body)
	assert.Equal(t, http.StatusOK, status)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 1, calls)
}

// TestInboundDedupeWindow: the window holds the last 1000 replies; older ones
// are forgotten (and would act again).
func TestInboundDedupeWindow(t *testing.T) {
	d := newDedupe(3)
	for _, k := range []string{"a", "b", "c", "d"} {
		seq, st := d.claim(k)
		require.Equal(t, fresh, st)
		d.done(k, seq)
	}
	_, st := d.claim("b")
	assert.Equal(t, handled, st)
	_, st = d.claim("a")
	assert.Equal(t, fresh, st, "a was evicted by d")

	// A released key claimed again keeps its newer slot when its old one is evicted.
	d = newDedupe(2)
	seq, _ := d.claim("x")
	d.release("x", seq)
	seq, _ = d.claim("x")
	d.done("x", seq)
	d.claim("y") // evicts the first slot of x, which is stale
	_, st = d.claim("x")
	assert.Equal(t, handled, st)
	assert.LessOrEqual(t, len(d.keys), 2)
}

// TestInboundLogs: at info level no token, no content, no full phone.
func TestInboundLogs(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	log := replyLog{script: []error{nil, fmt.Errorf("x: %w", ErrUnknownSender), errors.New("boom")}}
	c := startInbound(t, InboundConfig{Format: FormatAliyun, TokenQuery: "token"}, log.onReply, logger)
	c.post(t, inboundToken, ctJSON, `[{"phone_number":"13812345678","content":"机房钥匙在保安室","sequence_id":1},
		{"phone_number":"13987654321","content":"1","sequence_id":2},
		{"phone_number":"13700001111","content":"1","sequence_id":3}]`)
	c.post(t, inboundToken+"-wrong", ctJSON, `[]`)
	c.post(t, inboundToken, ctJSON, `{"phone_number":`)

	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, secretText := range []string{inboundToken, "机房钥匙", "13812345678", "13987654321", "13700001111"} {
		assert.NotContains(t, out, secretText)
	}
	for _, masked := range []string{"138****5678", "139****4321", "137****1111"} {
		assert.Contains(t, out, masked)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestNewInboundValidates(t *testing.T) {
	ok := func(context.Context, Reply) error { return nil }
	tests := []struct {
		name string
		cfg  InboundConfig
		want string
	}{
		{"no format", InboundConfig{Token: inboundToken}, "format"},
		{"no token", InboundConfig{Format: FormatAliyun, TokenQuery: "t"}, "token (or token_file) is required"},
		{"short token", InboundConfig{Format: FormatAliyun, Token: "short-secret"}, "at least 16"},
		{"both places", InboundConfig{Format: FormatTencent, Token: inboundToken, TokenHeader: "X", TokenQuery: "t"}, "not both"},
		{"field for aliyun", InboundConfig{Format: FormatAliyun, Token: inboundToken, PhoneField: "p"}, "for format generic"},
		{"generic encoding", InboundConfig{Format: FormatGeneric, Token: inboundToken, Encoding: "xml", IDField: "id"}, "encoding"},
		{"generic no key", InboundConfig{Format: FormatGeneric, Token: inboundToken}, "id_field or time_field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewInbound(tc.cfg, ok, slog.New(slog.DiscardHandler))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), inboundToken)
			assert.NotContains(t, err.Error(), "short-secret")
		})
	}
	_, err := NewInbound(InboundConfig{Format: FormatTencent, Token: inboundToken}, nil, nil)
	assert.ErrorContains(t, err, "onReply")
}

func TestNormalisePhone(t *testing.T) {
	for in, want := range map[string]string{
		"13800000001":       "13800000001",
		"+86 138 0000 0001": "13800000001",
		"+86-138-0000-0001": "13800000001",
		"0086 13800000001":  "13800000001",
		"8613800000001":     "13800000001",
		"(+86)13800000001":  "13800000001",
		"１３８０００００００１":       "13800000001",
		"＋8613800000001":    "13800000001",
		"86123456":          "86123456", // not 86 + a mobile
		"+6591234567":       "+6591234567",
		"+86+8613800000001": "13800000001",
	} {
		assert.Equal(t, want, normalisePhone(in), in)
	}
}

func TestNormaliseContent(t *testing.T) {
	long := strings.Repeat("机", 250)
	for in, want := range map[string]string{
		"  1  ":                         "1",
		"\u3000１ ２３\u3000":              "1 23",
		"确认\r\n":                        "确认",
		"a\x00b\x1bc":                   "abc",
		"多行\n记录":                        "多行\n记录",
		"\xff1":                         "\uFFFD1",
		long:                            strings.Repeat("机", 200),
		strings.Repeat("a", 199) + " b": strings.Repeat("a", 199),
	} {
		assert.Equal(t, want, normaliseContent(in), in)
	}
}

func TestParseAck(t *testing.T) {
	tests := []struct {
		in       string
		ack      bool
		incident int64
	}{
		{"1", true, 0},
		{" 1 ", true, 0},
		{"１", true, 0},
		{"确认", true, 0},
		{"1 123", true, 123},
		{"1#123", true, 123},
		{"1 # 123", true, 123},
		{"１ １２３", true, 123},
		{"１\u3000123", true, 123},
		{"1＃123", true, 123},
		{"确认 123", true, 123},
		{"确认#7", true, 7},
		{"1 922337203685477580", true, 922337203685477580},
		{"1 9223372036854775807", false, 0}, // 19 digits: no incident has that number
		{"1 0", false, 0},
		{"1 -5", false, 0},
		{"1 12a", false, 0},
		{"1#", false, 0},
		{"11", false, 0},
		{"123", false, 0},
		{"1123", false, 0},
		{"2", false, 0},
		{"确认收到，马上到", false, 0},
		{"已确认", false, 0},
		{"", false, 0},
		{"ok", false, 0},
	}
	for _, tc := range tests {
		ack, incident := ParseAck(tc.in)
		assert.Equal(t, tc.ack, ack, "%q", tc.in)
		assert.Equal(t, tc.incident, incident, "%q", tc.in)
	}
}

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"1796613129":            time.Unix(1796613129, 0),
		"1796613129000":         time.UnixMilli(1796613129000),
		"20261207031209":        time.Date(2026, 12, 6, 19, 12, 9, 0, time.UTC),
		"2026-12-07 03:12:09":   time.Date(2026, 12, 6, 19, 12, 9, 0, time.UTC),
		"2026/12/07 03:12:09":   time.Date(2026, 12, 6, 19, 12, 9, 0, time.UTC),
		"2026-12-06T19:12:09Z":  time.Date(2026, 12, 6, 19, 12, 9, 0, time.UTC),
		"":                      now,
		"yesterday":             now,
		"179661312900000000000": now,
		"20261399999999":        now,
	} {
		assert.True(t, want.Equal(parseTime(in, now)), "%q: got %v", in, parseTime(in, now))
	}
}
