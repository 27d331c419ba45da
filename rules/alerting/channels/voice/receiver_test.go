package voice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is the onReport the lead wires: it accepts the references it
// issued and refuses any other, as the signed-reference check would.
type recorder struct {
	mu      sync.Mutex
	known   map[string]bool
	reports []Report
	fail    error
}

func newRecorder(refs ...string) *recorder {
	r := &recorder{known: map[string]bool{}}
	for _, ref := range refs {
		r.known[ref] = true
	}
	return r
}

func (r *recorder) onReport(_ context.Context, rep Report) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	if !r.known[rep.Call] {
		return fmt.Errorf("call %.8s…: %w", rep.Call, ErrRefused)
	}
	r.reports = append(r.reports, rep)
	return nil
}

func (r *recorder) got() []Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Report(nil), r.reports...)
}

// hook serves s's receiver; post sends a body with the token in the query.
func hook(t *testing.T, s *Sender, rec *recorder) *httptest.Server {
	t.Helper()
	h, err := s.Receiver(rec.onReport)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func counter(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }

// Aliyun's VoiceReport push ("语音呼叫结果", JSON array): answered, not
// answered, key 1 pressed (VoiceCallReport 300000 with dtmf), and a call
// still in progress, which is no outcome.
func TestAliyunReports(t *testing.T) {
	s := newSender(t, aliyunConfig("http://127.0.0.1:1/"))
	rec := newRecorder("c1.inc7.lisi.sig", "c1.inc7.zhangsan.sig", "c1.inc8.lisi.sig")
	srv := hook(t, s, rec)
	answeredBefore := counter(`swanwatch_voice_reports_total{provider="aliyun",outcome="answered"}`)

	body := `[
 {"call_id":"100001616500^100001871490","start_time":"2026-12-07 03:14:05","end_time":"2026-12-07 03:14:25","duration":"20",
  "status_code":"200000","status_msg":"用户听完语音","out_id":"c1.inc7.lisi.sig","dtmf":""},
 {"call_id":"100001616501^100001871491","start_time":"","end_time":"2026-12-07 03:15:00","duration":"0",
  "status_code":"200003","status_msg":"用户收到呼叫但未接听","out_id":"c1.inc7.zhangsan.sig"},
 {"status_code":"300000","smart_status_code":"ANSWERED","dtmf":"1","status_time":"2026-12-07 03:16:12",
  "out_id":"c1.inc8.lisi.sig","call_id":"1***3^1***2"},
 {"status_code":"200102","status_time":"2026-12-07 03:16:13","out_id":"c1.inc8.lisi.sig","call_id":"1***3^1***2"}
]`
	code, reply := post(t, srv.URL+"/hooks/voice/duty?token="+hookTok, body)
	require.Equal(t, http.StatusOK, code, reply)
	assert.JSONEq(t, `{"code":0,"msg":"成功"}`, reply)

	got := rec.got()
	require.Len(t, got, 3, "the in-progress state is not an outcome")
	assert.Equal(t, Report{Call: "c1.inc7.lisi.sig", Answered: true, Status: "200000",
		At: time.Date(2026, 12, 6, 19, 14, 25, 0, time.UTC)}, utc(got[0]))
	assert.Equal(t, Report{Call: "c1.inc7.zhangsan.sig", Answered: false, Status: "200003",
		At: time.Date(2026, 12, 6, 19, 15, 0, 0, time.UTC)}, utc(got[1]))
	assert.Equal(t, Report{Call: "c1.inc8.lisi.sig", Answered: true, Keys: "1", Status: "300000",
		At: time.Date(2026, 12, 6, 19, 16, 12, 0, time.UTC)}, utc(got[2]))
	assert.Equal(t, answeredBefore+2, counter(`swanwatch_voice_reports_total{provider="aliyun",outcome="answered"}`))
}

func utc(r Report) Report {
	r.At = r.At.UTC()
	return r
}

// Tencent's callbacks carry the callid only: the receiver finds the
// reference through the call the same Sender placed.
func TestTencentReports(t *testing.T) {
	f := newTencentFake(t, "AKIDtestSecretId0001", "tencent-secret-key-0001")
	s := newSender(t, tencentConfig(f.srv.URL))
	require.NoError(t, s.Send(context.Background(), page()))
	calls := f.got()
	require.Len(t, calls, 2)
	rec := newRecorder("c1.inc7.lisi.sig", "c1.inc7.zhangsan.sig")
	srv := hook(t, s, rec)
	url := srv.URL + "/hooks/voice/duty?token=" + hookTok

	for _, body := range []string{
		`{"voiceprompt_callback":{"result":"0","accept_time":"1796584451","call_from":"","callid":"` + calls[0].CallID +
			`","end_calltime":"1796584471","fee":"1","mobile":"13800001234","nationcode":"86","start_calltime":"1796584440"}}`,
		`{"voiceprompt_callback":{"result":"1","accept_time":"","call_from":"","callid":"` + calls[1].CallID +
			`","end_calltime":"1796584500","fee":"0","mobile":"13900005678","nationcode":"86","start_calltime":"1796584470"}}`,
		`{"voicekey_callback":{"call_from":"","callid":"` + calls[0].CallID + `","keypress":"1","mobile":"13800001234","nationcode":"86"}}`,
		`{"voice_failure_callback":{"call_from":"075583763333","callid":"` + calls[1].CallID +
			`","failure_code":8,"failure_reason":"空号","mobile":"13900005678","nationcode":"86"}}`,
	} {
		code, reply := post(t, url, body)
		require.Equal(t, http.StatusOK, code, reply)
		assert.JSONEq(t, `{"result":0,"errmsg":"OK"}`, reply)
	}
	got := rec.got()
	require.Len(t, got, 4)
	assert.Equal(t, Report{Call: "c1.inc7.lisi.sig", Answered: true, Status: "0", At: time.Unix(1796584471, 0)}, got[0])
	assert.Equal(t, Report{Call: "c1.inc7.zhangsan.sig", Answered: false, Status: "1", At: time.Unix(1796584500, 0)}, got[1])
	assert.Equal(t, "c1.inc7.lisi.sig", got[2].Call)
	assert.True(t, got[2].Answered)
	assert.Equal(t, "1", got[2].Keys)
	assert.Equal(t, Report{Call: "c1.inc7.zhangsan.sig", Status: "failure 8", At: got[3].At}, got[3])

	// A callid this Sender never placed (say, before a restart) cannot be
	// matched: dropped and counted, and the provider is told OK so that it
	// does not retry what can never match.
	before := counter(`swanwatch_voice_callback_rejected_total{provider="tencent",reason="unknown_call"}`)
	code, _ := post(t, url, `{"voiceprompt_callback":{"result":"0","callid":"never-placed"}}`)
	assert.Equal(t, http.StatusOK, code)
	assert.Len(t, rec.got(), 4)
	assert.Equal(t, before+1, counter(`swanwatch_voice_callback_rejected_total{provider="tencent",reason="unknown_call"}`))
}

func TestGenericReports(t *testing.T) {
	s := newSender(t, genericConfig("http://127.0.0.1:1"))
	s.calls.put("gw-77", "c1.inc7.zhangsan.sig")
	rec := newRecorder("c1.inc7.lisi.sig", "c1.inc7.zhangsan.sig")
	srv := hook(t, s, rec)
	body := `{"records":[
		{"ref":"c1.inc7.lisi.sig","state":"ANSWERED","digits":"1","endTime":"2026-12-07T03:14:25+08:00"},
		{"callId":"gw-77","state":"NO_ANSWER","endTime":1796584500}]}`
	code, reply := post(t, srv.URL, body, "X-Hook-Token", hookTok)
	require.Equal(t, http.StatusOK, code, reply)
	assert.JSONEq(t, `{"code":0}`, reply)
	got := rec.got()
	require.Len(t, got, 2)
	assert.Equal(t, Report{Call: "c1.inc7.lisi.sig", Answered: true, Keys: "1", Status: "ANSWERED",
		At: time.Date(2026, 12, 6, 19, 14, 25, 0, time.UTC)}, utc(got[0]))
	assert.Equal(t, Report{Call: "c1.inc7.zhangsan.sig", Answered: false, Status: "NO_ANSWER", At: time.Unix(1796584500, 0)}, got[1])

	code, _ = post(t, srv.URL+"?token="+hookTok, body)
	assert.Equal(t, http.StatusUnauthorized, code, "the header is configured, the query does not count")
}

func TestReceiverRefusals(t *testing.T) {
	s := newSender(t, aliyunConfig("http://127.0.0.1:1/"))
	rec := newRecorder("c1.inc7.lisi.sig")
	srv := hook(t, s, rec)
	ok := `[{"status_code":"200000","out_id":"c1.inc7.lisi.sig","call_id":"1"}]`
	rejected := func(reason string) uint64 {
		return counter(`swanwatch_voice_callback_rejected_total{provider="aliyun",reason="` + reason + `"}`)
	}

	t.Run("bad token", func(t *testing.T) {
		before := rejected("auth")
		for _, u := range []string{srv.URL, srv.URL + "?token=", srv.URL + "?token=" + hookTok + "x", srv.URL + "?tok=" + hookTok} {
			code, reply := post(t, u, ok)
			assert.Equal(t, http.StatusUnauthorized, code, u)
			assert.NotContains(t, reply, hookTok)
		}
		assert.Equal(t, before+4, rejected("auth"))
		assert.Empty(t, rec.got())
	})
	t.Run("garbage", func(t *testing.T) {
		before := rejected("garbage")
		for _, body := range []string{"", "not json", `{"a":`, `[{"out_id":"c1.inc7.lisi.sig"}]`, `[1,2]`, `"x"`} {
			code, reply := post(t, srv.URL+"?token="+hookTok, body)
			assert.Equal(t, http.StatusBadRequest, code, body)
			assert.Contains(t, reply, `"code":400`)
		}
		assert.Equal(t, before+6, rejected("garbage"))
		assert.Empty(t, rec.got())
	})
	t.Run("too large", func(t *testing.T) {
		before := rejected("too_large")
		big := `[` + strings.Repeat(`{"status_code":"200003","out_id":"c1.inc7.lisi.sig"},`, 2000) + `{}]`
		code, _ := post(t, srv.URL+"?token="+hookTok, big)
		assert.Equal(t, http.StatusRequestEntityTooLarge, code)
		assert.Equal(t, before+1, rejected("too_large"))
		assert.Empty(t, rec.got())
	})
	t.Run("forged reference", func(t *testing.T) {
		before := rejected("refused")
		code, reply := post(t, srv.URL+"?token="+hookTok, `[{"status_code":"200003","out_id":"c1.inc9.forged.sig"}]`)
		assert.Equal(t, http.StatusForbidden, code)
		assert.Contains(t, reply, "refused")
		assert.Equal(t, before+1, rejected("refused"))
	})
	t.Run("onReport fails", func(t *testing.T) {
		rec.mu.Lock()
		rec.fail = errors.New("store closed")
		rec.mu.Unlock()
		defer func() { rec.mu.Lock(); rec.fail = nil; rec.mu.Unlock() }()
		code, reply := post(t, srv.URL+"?token="+hookTok, ok)
		assert.Equal(t, http.StatusInternalServerError, code)
		assert.NotContains(t, reply, "store closed", "internal errors stay in the log")
	})
	t.Run("method", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "?token=" + hookTok)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
	t.Run("then a good one", func(t *testing.T) {
		code, _ := post(t, srv.URL+"?token="+hookTok, ok)
		assert.Equal(t, http.StatusOK, code)
		assert.Len(t, rec.got(), 1)
	})
}

func TestReceiverNeedsAToken(t *testing.T) {
	cfg := aliyunConfig("http://127.0.0.1:1/")
	cfg.Callback.Token = ""
	_, err := newSender(t, cfg).Receiver(newRecorder().onReport)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "callback.token")
}
