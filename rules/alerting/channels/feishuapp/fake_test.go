package feishuapp

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// feishu is a fake Feishu open platform for one custom app. It follows the
// published pages, not this package's code:
//   - 自建应用获取 tenant_access_token
//     (open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/tenant_access_token_internal):
//     POST {"app_id","app_secret"} → {"code":0,"msg":"ok","tenant_access_token":"t-…","expire":7200};
//     the same token again while it has 30 minutes or more to live, a new one after.
//   - 发送消息 (open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create):
//     POST /open-apis/im/v1/messages?receive_id_type=open_id, Authorization: Bearer <tenant token>,
//     {"receive_id","msg_type","content" (JSON as a string),"uuid" (≤ 50, one message per uuid
//     per hour)} → {"code":0,"msg":"success","data":{"message_id":"om_…"}}; its error table:
//     HTTP 400 with 230001 (bad parameter), 230013 (Bot has NO availability to this user),
//     230020 (frequency limit).
//   - 通用错误码: HTTP 400 with 99991661 (no token) / 99991663 (invalid token); HTTP 429 with
//     99991400 (frequency limit).
//   - 消息卡片 (message-card-content-reference, card-header): header.title plain_text,
//     header.template from the colour enum, elements div/action with button url.
type feishu struct {
	appID, appSecret string
	// leaky echoes what it was given in msg, to prove the sender scrubs
	// replies (the real platform is not known to, but a proxy might).
	leaky bool

	mu       sync.Mutex
	users    map[string]bool      // open_ids inside the app's availability (可用范围)
	tokens   map[string]time.Time // issued token → expiry
	fetches  int                  // token requests answered with a token
	attempts int                  // message requests received
	limited  map[string]int       // open_id → the next n messages to it get HTTP 429 / 99991400
	freq     map[string]int       // open_id → the next n get HTTP 400 / 230020
	refuse   bool                 // refuse every token (99991663), as if the app were reset
	byUUID   map[string]string    // uuid → message_id, for the hour's dedup
	posted   []posted             // messages delivered
	hang     chan struct{}        // when set, message requests wait on it
}

type posted struct {
	OpenID, UUID string
	Card         map[string]any
}

const (
	testAppID  = "cli_a5f2e8d4c3b1"
	testSecret = "Xq7-test-app-secret-9f3e" // never in an error or a log line
)

func newFeishu(users ...string) *feishu {
	f := &feishu{appID: testAppID, appSecret: testSecret, users: map[string]bool{},
		tokens: map[string]time.Time{}, byUUID: map[string]string{},
		limited: map[string]int{}, freq: map[string]int{}}
	for _, u := range users {
		f.users[u] = true
	}
	return f
}

func (f *feishu) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		reply(w, http.StatusBadRequest, 230001, "Your request contains an invalid request parameter.", nil)
		return
	}
	switch r.URL.Path {
	case "/open-apis/auth/v3/tenant_access_token/internal":
		f.token(w, r)
	case "/open-apis/im/v1/messages":
		f.message(w, r)
	default:
		http.NotFound(w, r)
	}
}

func reply(w http.ResponseWriter, status, code int, msg string, extra map[string]any) {
	m := map[string]any{"code": code, "msg": msg}
	for k, v := range extra {
		m[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(m)
}

func (f *feishu) token(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppID     string `json:"app_id"`
		AppSecret string `json:"app_secret"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.AppID == "" || req.AppSecret == "" {
		reply(w, http.StatusBadRequest, 10003, "invalid param", nil)
		return
	}
	if req.AppID != f.appID || req.AppSecret != f.appSecret {
		msg := "app secret invalid"
		if f.leaky {
			msg += ": " + req.AppSecret
		}
		reply(w, http.StatusBadRequest, 10014, msg, nil)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	for tok, exp := range f.tokens {
		if exp.Sub(now) >= 30*time.Minute {
			f.fetches++
			reply(w, http.StatusOK, 0, "ok", map[string]any{"tenant_access_token": tok, "expire": int(exp.Sub(now).Seconds())})
			return
		}
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := "t-" + hex.EncodeToString(b)
	f.tokens[tok] = now.Add(7200 * time.Second)
	f.fetches++
	reply(w, http.StatusOK, 0, "ok", map[string]any{"tenant_access_token": tok, "expire": 7200})
}

// expire ends every token's life now, as if two hours had passed.
func (f *feishu) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for tok := range f.tokens {
		f.tokens[tok] = time.Now().Add(-time.Second)
	}
}

// valid reports whether the Authorization header carries a live token.
func (f *feishu) valid(h string) (tok string, code int) {
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || tok == "" {
		return "", 99991661
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if exp, known := f.tokens[tok]; f.refuse || !known || !time.Now().Before(exp) {
		return tok, 99991663
	}
	return tok, 0
}

func (f *feishu) message(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.attempts++
	hang := f.hang
	f.mu.Unlock()
	if hang != nil {
		select {
		case <-hang:
		case <-r.Context().Done():
			return
		}
	}
	if tok, code := f.valid(r.Header.Get("Authorization")); code != 0 {
		msg := "Invalid access token for authorization. Please make a request with token attached."
		if f.leaky {
			msg += " token=" + tok
		}
		reply(w, http.StatusBadRequest, code, msg, nil)
		return
	}
	if r.URL.Query().Get("receive_id_type") != "open_id" {
		reply(w, http.StatusBadRequest, 230001, "invalid receive_id_type", nil)
		return
	}
	req, problem := decodeMessage(r.Body)
	if problem != "" {
		reply(w, http.StatusBadRequest, 230001, problem, nil)
		return
	}
	f.deliver(w, req)
}

type messageBody struct {
	ReceiveID string `json:"receive_id"`
	MsgType   string `json:"msg_type"`
	Content   string `json:"content"`
	UUID      string `json:"uuid"`
	card      map[string]any
}

// decodeMessage checks the body as 发送消息 and 消息卡片 describe it.
func decodeMessage(body io.Reader) (messageBody, string) {
	var m messageBody
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, "body: " + err.Error()
	}
	switch {
	case !strings.HasPrefix(m.ReceiveID, "ou_"):
		return m, "receive_id is not an open_id"
	case m.MsgType != "interactive":
		return m, "msg_type must be interactive for a card"
	case len(m.UUID) > 50:
		return m, "uuid longer than 50"
	case len(m.Content) > 30<<10:
		return m, "card over 30 KB"
	}
	if err := json.Unmarshal([]byte(m.Content), &m.card); err != nil {
		return m, "content is not a JSON card: " + err.Error()
	}
	return m, checkCard(m.card)
}

var templates = []string{"blue", "wathet", "turquoise", "green", "yellow", "orange", "red", "carmine", "violet", "purple", "indigo", "grey", "default"}

func checkCard(c map[string]any) string {
	h, _ := c["header"].(map[string]any)
	title, _ := h["title"].(map[string]any)
	if title["tag"] != "plain_text" || title["content"] == "" || title["content"] == nil {
		return "card header.title must be plain_text with content"
	}
	if tpl, _ := h["template"].(string); !slices.Contains(templates, tpl) {
		return "card header.template is not a colour"
	}
	els, _ := c["elements"].([]any)
	if len(els) == 0 {
		return "card has no elements"
	}
	for _, e := range els {
		el, _ := e.(map[string]any)
		acts, _ := el["actions"].([]any)
		for _, a := range acts {
			b, _ := a.(map[string]any)
			u, err := url.Parse(fmt.Sprint(b["url"]))
			if b["tag"] != "button" || err != nil || (u.Scheme != "https" && u.Scheme != "http") {
				return "card button needs an http(s) url"
			}
		}
	}
	return ""
}

func (f *feishu) deliver(w http.ResponseWriter, m messageBody) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.limited[m.ReceiveID] > 0:
		f.limited[m.ReceiveID]--
		reply(w, http.StatusTooManyRequests, 99991400, "request trigger frequency limit", nil)
		return
	case f.freq[m.ReceiveID] > 0:
		f.freq[m.ReceiveID]--
		reply(w, http.StatusBadRequest, 230020, "This operation triggers the frequency limit.", nil)
		return
	case !f.users[m.ReceiveID]:
		reply(w, http.StatusBadRequest, 230013, "Bot has NO availability to this user.", nil)
		return
	}
	if id, seen := f.byUUID[m.UUID]; seen && m.UUID != "" {
		reply(w, http.StatusOK, 0, "success", map[string]any{"data": map[string]any{"message_id": id}})
		return
	}
	id := fmt.Sprintf("om_%04d", len(f.posted)+1)
	if m.UUID != "" {
		f.byUUID[m.UUID] = id
	}
	f.posted = append(f.posted, posted{OpenID: m.ReceiveID, UUID: m.UUID, Card: m.card})
	reply(w, http.StatusOK, 0, "success", map[string]any{"data": map[string]any{"message_id": id}})
}

// snapshot returns what was delivered and the counters.
func (f *feishu) snapshot() (msgs []posted, fetches, attempts int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.posted), f.fetches, f.attempts
}

// issued lists every token handed out, for the secret checks.
func (f *feishu) issued() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.tokens))
	for tok := range f.tokens {
		out = append(out, tok)
	}
	return out
}

// assertClean fails if a secret or an issued token appears in any text.
func (f *feishu) assertClean(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, f.appSecret) {
			t.Errorf("app secret leaked: %q", s)
		}
		for _, tok := range f.issued() {
			if strings.Contains(s, tok) {
				t.Errorf("token leaked: %q", s)
			}
		}
	}
}
