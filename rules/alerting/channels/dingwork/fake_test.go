package dingwork

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// fakeDingTalk is DingTalk's old-style API host as published on
// open.dingtalk.com: 获取企业内部应用的access_token (GET /gettoken?appkey&appsecret),
// 异步发送工作通知 (POST /topapi/message/corpconversation/asyncsend_v2:
// agent_id, userid_list "u1,u2", msg ≤ 2048 bytes; the same content to the
// same person is accepted once a day, a repeat answered ok and not
// delivered), 消息类型与数据格式 (action_card: title, markdown, single_title and
// single_url together), 全局错误码 (40014, 42001, 33012, 90018). It checks what
// DingTalk checks, by its own reading of the docs, not by the sender's code.
type fakeDingTalk struct {
	appKey, appSecret string
	agentID           int64
	users             map[string]bool

	mu         sync.Mutex
	tokens     map[string]bool // issued token → still valid
	issued     []string
	gettokens  int
	rejectAll  bool // every token is refused (40014)
	rateLimit  int  // the next n sends answer 90018
	today      map[string]bool
	repeats    int
	delivered  []sent
	violations []string
	reply      func(w http.ResponseWriter) // overrides asyncsend_v2's answer
}

type sent struct {
	Token string
	Req   wireRequest
}

// wireRequest is the request body as the docs describe it.
type wireRequest struct {
	AgentID    *int64          `json:"agent_id"`
	UserIDList string          `json:"userid_list"`
	ToAllUser  bool            `json:"to_all_user"`
	Msg        json.RawMessage `json:"msg"`
	msg        wireMsg
}

type wireMsg struct {
	MsgType    string `json:"msgtype"`
	ActionCard *struct {
		Title       string `json:"title"`
		Markdown    string `json:"markdown"`
		SingleTitle string `json:"single_title"`
		SingleURL   string `json:"single_url"`
	} `json:"action_card"`
	Markdown *struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

func newFake(t *testing.T) (*fakeDingTalk, *httptest.Server) {
	f := &fakeDingTalk{appKey: "dingoa1b2c3d4e5f6", appSecret: "AppS3cret-ding-QxZ-9", agentID: 2897653405,
		users: map[string]bool{"lisi01": true, "wangwu02": true}, tokens: map[string]bool{}, today: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeDingTalk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/gettoken":
		f.gettoken(w, r)
	case "/topapi/message/corpconversation/asyncsend_v2":
		f.send(w, r)
	default:
		errcode(w, 404, "请求的URI地址不存在")
	}
}

func errcode(w http.ResponseWriter, code int, msg string) {
	fmt.Fprintf(w, `{"errcode":%d,"errmsg":%q,"request_id":"req%d"}`, code, msg, code)
}

func (f *fakeDingTalk) gettoken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gettokens++
	q := r.URL.Query()
	switch {
	case r.Method != http.MethodGet:
		http.Error(w, "method", http.StatusMethodNotAllowed)
	case q.Get("appkey") != f.appKey || q.Get("appsecret") != f.appSecret:
		errcode(w, 40089, "不合法的appKey或appSecret")
	default:
		b := make([]byte, 16)
		rand.Read(b)
		tok := "dt" + hex.EncodeToString(b)
		f.tokens[tok] = true
		f.issued = append(f.issued, tok)
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":%q,"expires_in":7200}`, tok)
	}
}

// expireAll ends every token's life, as 7200 s passing would.
func (f *fakeDingTalk) expireAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for tok := range f.tokens {
		f.tokens[tok] = false
	}
}

func (f *fakeDingTalk) send(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tok := r.URL.Query().Get("access_token")
	valid, known := f.tokens[tok]
	switch {
	case r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		http.Error(w, "bad request shape", http.StatusBadRequest)
		return
	case !known || f.rejectAll:
		errcode(w, 40014, "不合法的access_token")
		return
	case !valid:
		errcode(w, 42001, "access_token超时")
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var req wireRequest
	if json.Unmarshal(raw, &req) != nil || json.Unmarshal(req.Msg, &req.msg) != nil {
		errcode(w, 40035, "不合法的参数")
		return
	}
	if bad := f.validate(req); bad != "" {
		f.violations = append(f.violations, bad)
		errcode(w, 40035, bad)
		return
	}
	if f.reply != nil {
		f.reply(w)
		return
	}
	if f.rateLimit > 0 {
		f.rateLimit--
		errcode(w, 90018, "当前企业调用该接口的QPS超过了限制")
		return
	}
	f.answer(w, tok, req)
}

// answer refuses an unknown userid (33012) and accepts the rest; a repeat of
// the same content to the same person is accepted and dropped.
func (f *fakeDingTalk) answer(w http.ResponseWriter, tok string, req wireRequest) {
	for _, u := range strings.Split(req.UserIDList, ",") {
		if !f.users[u] {
			errcode(w, 33012, "无效的USERID")
			return
		}
	}
	key := req.UserIDList + "\x00" + string(req.Msg)
	if f.today[key] {
		f.repeats++
	} else {
		f.today[key] = true
		f.delivered = append(f.delivered, sent{Token: tok, Req: req})
	}
	fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","task_id":%d,"request_id":"req-ok"}`, 256271667526+len(f.delivered))
}

// validate applies the published field rules; "" means acceptable.
func (f *fakeDingTalk) validate(req wireRequest) string {
	switch {
	case req.AgentID == nil || *req.AgentID != f.agentID:
		return "agent_id is not this application"
	case req.ToAllUser || req.UserIDList == "":
		return "userid_list must name people"
	case len(req.Msg) > 2048:
		return fmt.Sprintf("msg is %d bytes, over 2048", len(req.Msg))
	case !utf8.Valid(req.Msg):
		return "msg is not UTF-8"
	}
	m := req.msg
	switch m.MsgType {
	case "action_card":
		c := m.ActionCard
		if c == nil || c.Title == "" || c.Markdown == "" {
			return "action_card needs title and markdown"
		}
		if c.SingleTitle == "" || c.SingleURL == "" {
			return "action_card needs single_title with single_url"
		}
	case "markdown":
		if m.Markdown == nil || m.Markdown.Title == "" || m.Markdown.Text == "" {
			return "markdown needs title and text"
		}
	default:
		return "unexpected msgtype " + m.MsgType
	}
	return ""
}
