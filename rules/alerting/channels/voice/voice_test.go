package voice

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

const (
	akID     = "LTAI5tTestKeyId01"
	akSecret = "s3cr3t-AccessKeySecret-xyz"
	hookTok  = "hook-token-0123456789"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// page is the town-uplink story's escalation page to 李四 (and 王五 without a
// phone, and 赵六 on the same phone as 李四's deputy line).
func page() notice.Notification {
	return notice.Notification{
		ID: "inc-7/step-2/voice", IncidentID: 7, Step: 2, Severity: notice.Critical,
		Title: "【紧急】湖滨区 乡镇链路中断", Text: "湖滨区 交口乡 链路中断，自 2026-12-07 03:12:00",
		Recipients: []notice.Recipient{
			{Name: "李四", Phone: "138 0000 1234", Call: "c1.inc7.lisi.sig"},
			{Name: "王五", WeCom: "wangwu"},
			{Name: "张三", Phone: "+8613900005678", Call: "c1.inc7.zhangsan.sig"},
		},
		Alerts: []notice.Alert{{Labels: map[string]string{"district": "湖滨区", "site": "交口乡", "alertname": "LinkDown"},
			Annotations: map[string]string{"summary": "乡镇链路中断"}, Firing: true, IncidentID: 7}},
	}
}

func TestSpeech(t *testing.T) {
	assert.Equal(t, "紧急告警：湖滨区 乡镇链路中断，请按1确认。", Speech(page()))

	long := page()
	long.Title = "【重要】" + strings.Repeat("灵宝市 城乡一体化示范区 数据中心出口链路 ", 6) + "https://x.example/a"
	long.Severity = notice.Major
	s := Speech(long)
	assert.LessOrEqual(t, utf8.RuneCountInString(s), MaxSpeechRunes)
	assert.True(t, strings.HasPrefix(s, "重要告警：灵宝市"), s)
	assert.True(t, strings.HasSuffix(s, "，请按1确认。"), s)
	assert.NotContains(t, s, "http")

	untitled := page()
	untitled.Title = ""
	assert.Equal(t, "紧急告警：湖滨区 交口乡 乡镇链路中断，请按1确认。", Speech(untitled))
}

func aliyunConfig(base string) Config {
	return Config{Provider: Aliyun, BaseURL: base, AccessKeyID: akID, AccessKeySecret: akSecret,
		TtsCode: "TTS_278815123", CalledShowNumber: "03982345678", PlayTimes: 2,
		Callback: CallbackConfig{Token: hookTok}}
}

func newSender(t *testing.T, cfg Config) *Sender {
	t.Helper()
	s, err := New(cfg, nil, quiet())
	require.NoError(t, err)
	return s
}

func TestAliyunCallsEachRecipientWithAPhone(t *testing.T) {
	f := newAliyunFake(t, akID, akSecret)
	s := newSender(t, aliyunConfig(f.srv.URL))
	require.NoError(t, s.Send(context.Background(), page()))

	calls := f.got()
	require.Len(t, calls, 2, "王五 has no phone")
	assert.Equal(t, "13800001234", calls[0].Params.Get("CalledNumber"))
	assert.Equal(t, "13900005678", calls[1].Params.Get("CalledNumber"), "+86 dropped")
	assert.Equal(t, "c1.inc7.lisi.sig", calls[0].Params.Get("OutId"), "the reference rides in OutId")
	assert.Equal(t, "c1.inc7.zhangsan.sig", calls[1].Params.Get("OutId"))
	assert.Equal(t, map[string]string{"text": "紧急告警：湖滨区 乡镇链路中断，请按1确认。"}, calls[0].Vars)
	assert.Equal(t, "TTS_278815123", calls[0].Params.Get("TtsCode"))
	assert.Equal(t, "03982345678", calls[0].Params.Get("CalledShowNumber"))
	assert.Equal(t, "2", calls[0].Params.Get("PlayTimes"))
	assert.Equal(t, "JSON", calls[0].Params.Get("Format"))
}

func TestAliyunTemplateVariables(t *testing.T) {
	f := newAliyunFake(t, akID, akSecret)
	cfg := aliyunConfig(f.srv.URL)
	cfg.TtsParams = map[string]string{"level": "severity", "place": "place", "what": "what", "no": "incident"}
	s := newSender(t, cfg)
	require.NoError(t, s.Send(context.Background(), page()))
	assert.Equal(t, map[string]string{"level": "紧急", "place": "湖滨区 交口乡", "what": "乡镇链路中断", "no": "7"}, f.got()[0].Vars)
}

func TestResolvedIsNotCalled(t *testing.T) {
	f := newAliyunFake(t, akID, akSecret)
	s := newSender(t, aliyunConfig(f.srv.URL))
	n := page()
	n.Resolved = true
	require.NoError(t, s.Send(context.Background(), n))
	assert.Empty(t, f.got())
}

func TestNobodyWithAPhoneIsPermanent(t *testing.T) {
	f := newAliyunFake(t, akID, akSecret)
	s := newSender(t, aliyunConfig(f.srv.URL))
	n := page()
	n.Recipients = []notice.Recipient{{Name: "王五", WeCom: "wangwu"}, {Name: "赵六", Phone: "call me"}}
	err := s.Send(context.Background(), n)
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "none of its 2 recipients has a phone number")
	assert.Empty(t, f.got())
}

func TestAliyunErrors(t *testing.T) {
	tests := []struct {
		code      string
		permanent bool
	}{
		{"isv.BUSINESS_LIMIT_CONTROL", false},
		{"Throttling.User", false},
		{"isv.OUT_OF_SERVICE", true},
		{"isv.TTS_TEMPLATE_ILLEGAL", true},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			f := newAliyunFake(t, akID, akSecret)
			s := newSender(t, aliyunConfig(f.srv.URL))
			f.script(tc.code, tc.code)
			err := s.Send(context.Background(), page())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.code)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err))
		})
	}
}

// The platform's own checks refuse a wrong secret (signature) and a wrong
// key id; neither is worth a retry, and no secret reaches the error even
// when the platform echoes it.
func TestAliyunRefusesBadCredentials(t *testing.T) {
	f := newAliyunFake(t, akID, akSecret)
	cfg := aliyunConfig(f.srv.URL)
	cfg.AccessKeySecret = "wrong-secret-value"
	f.secret = "wrong-secret-value-echo"
	err := newSender(t, cfg).Send(context.Background(), page())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "SignatureDoesNotMatch")
	assert.NotContains(t, err.Error(), "wrong-secret-value", "the platform's echo is scrubbed")

	f2 := newAliyunFake(t, "other-id", akSecret)
	err = newSender(t, aliyunConfig(f2.srv.URL)).Send(context.Background(), page())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidAccessKeyId.NotFound")
	assert.NotContains(t, err.Error(), akID)
	assert.NotContains(t, err.Error(), akSecret)
}

func TestSecretEchoIsScrubbed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		io.WriteString(w, `{"Code":"SignatureDoesNotMatch","Message":"key `+akSecret+` id `+akID+`","RequestId":"x"}`)
	}))
	defer srv.Close()
	err := newSender(t, aliyunConfig(srv.URL)).Send(context.Background(), page())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), akSecret)
	assert.NotContains(t, err.Error(), akID)
	assert.Contains(t, err.Error(), "<secret>")
}

// A retry after a partial failure rings only the person not yet reached.
func TestRetryCallsOnlyThoseNotReached(t *testing.T) {
	f := newAliyunFake(t, akID, akSecret)
	s := newSender(t, aliyunConfig(f.srv.URL))
	first := true
	f.refuse = func(p url.Values) string { // runs under the fake's lock
		if p.Get("CalledNumber") == "13900005678" && first {
			first = false
			return "isv.BUSINESS_LIMIT_CONTROL"
		}
		return ""
	}
	err := s.Send(context.Background(), page())
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err))
	require.Len(t, f.got(), 1)

	require.NoError(t, s.Send(context.Background(), page()))
	calls := f.got()
	require.Len(t, calls, 2, "李四 is not rung twice")
	assert.Equal(t, "13900005678", calls[1].Params.Get("CalledNumber"))
	assert.Empty(t, s.done, "a finished notification is forgotten")
}

func TestTimeoutIsRetryable(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	cfg := aliyunConfig(srv.URL)
	cfg.Timeout = 50 * time.Millisecond
	err := newSender(t, cfg).Send(context.Background(), page())
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err))
	assert.Contains(t, err.Error(), "deadline exceeded")
}

func tencentConfig(base string) Config {
	return Config{Provider: Tencent, BaseURL: base, AccessKeyID: "AKIDtestSecretId0001", AccessKeySecret: "tencent-secret-key-0001",
		VoiceSdkAppid: "1400006666", TemplateID: "4356", Callback: CallbackConfig{Token: hookTok}}
}

func TestTencentCallsWithSessionContext(t *testing.T) {
	f := newTencentFake(t, "AKIDtestSecretId0001", "tencent-secret-key-0001")
	s := newSender(t, tencentConfig(f.srv.URL))
	require.NoError(t, s.Send(context.Background(), page()))
	calls := f.got()
	require.Len(t, calls, 2)
	assert.Equal(t, "+8613800001234", calls[0].CalledNumber)
	assert.Equal(t, "+8613900005678", calls[1].CalledNumber)
	assert.Equal(t, "c1.inc7.lisi.sig", calls[0].SessionContext)
	assert.Equal(t, []string{"紧急告警：湖滨区 乡镇链路中断，请按1确认。"}, calls[0].TemplateParamSet)
	assert.Equal(t, "1400006666", calls[0].VoiceSdkAppid)
	ref, ok := s.calls.get(calls[1].CallID)
	assert.True(t, ok)
	assert.Equal(t, "c1.inc7.zhangsan.sig", ref, "the callid finds the reference for the callbacks")
}

func TestTencentErrors(t *testing.T) {
	f := newTencentFake(t, "AKIDtestSecretId0001", "tencent-secret-key-0001")
	s := newSender(t, tencentConfig(f.srv.URL))
	f.script("RequestLimitExceeded", "RequestLimitExceeded")
	err := s.Send(context.Background(), page())
	require.Error(t, err)
	assert.False(t, channels.IsPermanent(err))

	f.script("FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.TemplateIncorrectOrUnapproved")
	err = s.Send(context.Background(), page())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))

	bad := tencentConfig(f.srv.URL)
	bad.AccessKeySecret = "not-the-key"
	err = newSender(t, bad).Send(context.Background(), page())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AuthFailure.SignatureFailure")
	assert.True(t, channels.IsPermanent(err))
}

func genericConfig(base string) Config {
	return Config{Provider: Generic, Callback: CallbackConfig{Token: hookTok, TokenHeader: "X-Hook-Token"},
		Generic: GenericConfig{
			URL:          base + "/call?key=gw-url-key-9876",
			Headers:      map[string]secret.Secret{"Authorization": "Bearer gw-bearer-5555"},
			Body:         `{"to":{{json .Phone}},"tts":{{json .Text}},"ref":{{json .Call}},"id":{{json .ID}}}`,
			SuccessField: "result", SuccessValue: "0", CallIDField: "data.callId",
			Report: ReportFormat{Items: "records", Call: "ref", CallID: "callId", Answered: "state",
				AnsweredValues: []string{"ANSWERED"}, Keys: "digits", Status: "state", Time: "endTime"},
		}}
}

func TestGenericCall(t *testing.T) {
	var got []map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer gw-bearer-5555" || r.URL.Query().Get("key") != "gw-url-key-9876" {
			w.WriteHeader(401)
			io.WriteString(w, `{"result":"401","msg":"bad key gw-url-key-9876"}`)
			return
		}
		var m map[string]string
		json.NewDecoder(r.Body).Decode(&m)
		got = append(got, m)
		io.WriteString(w, `{"result":"0","data":{"callId":"gw-`+m["to"]+`"}}`)
	}))
	defer srv.Close()
	s := newSender(t, genericConfig(srv.URL))
	require.NoError(t, s.Send(context.Background(), page()))
	require.Len(t, got, 2)
	assert.Equal(t, map[string]string{"to": "13800001234", "tts": "紧急告警：湖滨区 乡镇链路中断，请按1确认。",
		"ref": "c1.inc7.lisi.sig", "id": "inc-7/step-2/voice"}, got[0])
	ref, ok := s.calls.get("gw-+8613900005678")
	assert.True(t, ok)
	assert.Equal(t, "c1.inc7.zhangsan.sig", ref)

	bad := genericConfig(srv.URL)
	bad.Generic.Headers = map[string]secret.Secret{"Authorization": "Bearer wrong"}
	err := newSender(t, bad).Send(context.Background(), page())
	require.Error(t, err)
	assert.True(t, channels.IsPermanent(err))
	assert.NotContains(t, err.Error(), "gw-url-key-9876")
}

func TestConfigErrors(t *testing.T) {
	tests := map[string]struct {
		cfg  Config
		want string
	}{
		"provider":  {Config{Provider: "huawei"}, `provider "huawei"`},
		"aliyun":    {Config{Provider: Aliyun, AccessKeyID: "x"}, "needs access_key_secret, tts_code"},
		"tencent":   {Config{Provider: Tencent}, "needs access_key_id, access_key_secret, template_id, voice_sdk_appid"},
		"field":     {Config{Provider: Aliyun, AccessKeyID: "x", AccessKeySecret: "y", TtsCode: "z", TtsParams: map[string]string{"a": "phone"}}, `field "phone"`},
		"play":      {Config{Provider: Aliyun, PlayTimes: 4}, "play_times"},
		"answered":  {Config{Provider: Generic, Generic: GenericConfig{URL: "http://x/", Body: "{}", Report: ReportFormat{Call: "ref"}}}, "report.answered"},
		"call":      {Config{Provider: Generic, Generic: GenericConfig{URL: "http://x/", Body: "{}", Report: ReportFormat{Answered: "a"}}}, "report: call or call_id"},
		"template":  {Config{Provider: Generic, Generic: GenericConfig{URL: "http://x/", Body: `{"t":{{.Text}}}`, Report: ReportFormat{Call: "c", Answered: "a"}}}, "not valid JSON"},
		"url":       {Config{Provider: Generic, Generic: GenericConfig{URL: "ftp://k@x/", Body: "{}", Report: ReportFormat{Call: "c", Answered: "a"}}}, "url must be an http(s)"},
		"getneedsf": {Config{Provider: Generic, Generic: GenericConfig{Method: "get", URL: "http://x/", Body: "{}"}}, "GET needs content_type form"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(tc.cfg, nil, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
