package demo

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// The demo's stand-ins for the platforms that reach a person (docs/oncall.md):
// WeCom's application-message API, 阿里云's voice API and, through the SMS
// gateway, the person's reply. They answer as the platforms do and play the
// engineer on duty: the call goes unanswered, the SMS is answered "1".

// phoneDelay is how long the demo's engineer takes to not answer a call or
// to reply to an SMS.
const phoneDelay = 6 * time.Second

// phoneHooks are where the platforms report back, known once the server runs.
type phoneHooks struct {
	server     atomic.Pointer[string] // SwanWatch's base URL
	appSecret  string                 // the WeCom application's secret
	voiceToken string                 // the voice receiver's callback token
	smsToken   string                 // the SMS receiver's reply token
	calls      atomic.Int64
}

// The demo's receivers that reach a person, and its WeCom corp.
const (
	appReceiver   = "企业微信应用"
	voiceReceiver = "语音"
	smsReceiver   = "短信"
	demoCorpID    = "ww-demo-sanmenxia"
)

func newPhoneHooks() *phoneHooks {
	return &phoneHooks{appSecret: randomToken(), voiceToken: randomToken(), smsToken: randomToken()}
}

func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// wecomToken issues the application's access token (gettoken).
func (r *robot) wecomToken(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	if q.Get("corpid") != demoCorpID || q.Get("corpsecret") != r.hooks.appSecret {
		_, _ = io.WriteString(w, `{"errcode":40001,"errmsg":"invalid credential"}`)
		return
	}
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","access_token":"demo-access-token","expires_in":7200}`)
}

// wecomApp takes an application message to one person (message/send).
func (r *robot) wecomApp(w http.ResponseWriter, req *http.Request) {
	if req.URL.Query().Get("access_token") != "demo-access-token" {
		_, _ = io.WriteString(w, `{"errcode":40014,"errmsg":"invalid access_token"}`)
		return
	}
	var m struct {
		ToUser   string `json:"touser"`
		TextCard struct {
			Title, Description, URL string
		} `json:"textcard"`
		Text struct{ Content string } `json:"text"`
	}
	if err := json.NewDecoder(io.LimitReader(req.Body, 64<<10)).Decode(&m); err != nil {
		_, _ = io.WriteString(w, `{"errcode":40008,"errmsg":"invalid message type"}`)
		return
	}
	text := m.Text.Content
	if m.TextCard.Title != "" {
		desc := strings.NewReplacer("<br>", "\n", "</div>", "\n").Replace(m.TextCard.Description)
		text = m.TextCard.Title + "\n" + strings.TrimSpace(htmlTags.ReplaceAllString(desc, "")) + "\n详情：" + m.TextCard.URL
	}
	r.show("企业微信应用消息 → "+m.ToUser, text)
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","invaliduser":"","msgid":"demo"}`)
}

var htmlTags = regexp.MustCompile(`<[^>]*>`)

// aliyunCall takes a SingleCallByTts request; the engineer does not answer,
// and the platform's call report (VoiceReport) says so a little later.
func (r *robot) aliyunCall(w http.ResponseWriter, req *http.Request) {
	if err := req.ParseForm(); err != nil || req.PostForm.Get("Action") != "SingleCallByTts" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"Code":"InvalidAction","Message":"demo: not a SingleCallByTts"}`)
		return
	}
	var tts map[string]string
	_ = json.Unmarshal([]byte(req.PostForm.Get("TtsParam")), &tts)
	phone, ref := req.PostForm.Get("CalledNumber"), req.PostForm.Get("OutId")
	id := fmt.Sprintf("demo-call-%d", r.hooks.calls.Add(1))
	r.show("语音电话 → "+phone, "「"+tts["text"]+"」")
	_, _ = fmt.Fprintf(w, `{"Code":"OK","Message":"OK","CallId":%q,"RequestId":"demo"}`, id)
	go func() {
		time.Sleep(phoneDelay)
		// Never connected: no start_time, no duration (a start_time means the call was picked up).
		report := []map[string]string{{"call_id": id, "out_id": ref, "status_code": "200003", "status_msg": "用户未接听",
			"end_time": time.Now().In(cst.Location).Format(time.DateTime)}}
		r.show("语音电话 → "+phone, "无人接听（平台回执：200003 用户未接听）")
		r.report("/hooks/voice/"+url.PathEscape(voiceReceiver)+"?token="+url.QueryEscape(r.hooks.voiceToken), report)
	}()
}

// report posts a platform's callback to SwanWatch.
func (r *robot) report(path string, body any) {
	base := r.hooks.server.Load()
	if base == nil {
		return
	}
	b, _ := json.Marshal(body)
	resp, err := http.Post(*base+path, "application/json", bytes.NewReader(b))
	if err != nil {
		r.show("演示平台回调", "失败："+err.Error())
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		r.show("演示平台回调", fmt.Sprintf("%s：HTTP %d", strings.SplitN(path, "?", 2)[0], resp.StatusCode))
	}
}

// onDuty is the demo's engineer who answers pages by SMS: 李四.
const onDuty = "13800000002"

// answerSMS plays 李四 answering an escalation page by SMS with "1": the
// gateway forwards the reply (阿里云 SmsUp) to SwanWatch.
func (r *robot) answerSMS(to []string, text string) {
	if !slices.Contains(to, onDuty) || !strings.Contains(text, "升级") {
		return
	}
	seq := r.hooks.calls.Add(1)
	go func() {
		time.Sleep(phoneDelay)
		r.show("短信回复 ← "+onDuty, "1")
		r.report("/hooks/sms/"+url.PathEscape(smsReceiver)+"?token="+url.QueryEscape(r.hooks.smsToken),
			[]map[string]any{{"phone_number": onDuty, "content": "1", "send_time": time.Now().In(cst.Location).Format(time.DateTime),
				"sign_name": "三门峡运维", "dest_code": "1234", "sequence_id": seq}})
	}()
}
