package wecomapp

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

// fakeWeCom is a WeCom API host as published on developer.work.weixin.qq.com:
// 获取access_token (/document/path/91039), 发送应用消息 (/document/path/90236:
// textcard title ≤ 128 bytes, description ≤ 512 bytes, url ≤ 2048 bytes,
// btntxt ≤ 4 characters; touser "a|b"; invaliduser in the reply; duplicate
// check on the request JSON), 全局错误码 (/document/path/90455). It checks
// what WeCom checks, by its own reading of the docs, not by the sender's code.
type fakeWeCom struct {
	corpID, secret string
	agentID        int
	users          map[string]bool // the address book, as the application sees it

	mu         sync.Mutex
	tokens     map[string]bool // issued token → still valid
	issued     []string
	gettokens  int
	rejectAll  bool // every token is refused (40014), as after a secret reset
	rateLimit  int  // the next n sends answer 45009
	seen       map[string]bool
	duplicates int
	delivered  []sent
	violations []string
	reply      func(w http.ResponseWriter) // overrides message/send's answer
}

type sent struct {
	Token string
	Msg   wireMessage
}

// wireMessage is the request body as the docs describe it.
type wireMessage struct {
	ToUser   string `json:"touser"`
	MsgType  string `json:"msgtype"`
	AgentID  *int   `json:"agentid"`
	TextCard *struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		URL         string `json:"url"`
		BtnTxt      string `json:"btntxt"`
	} `json:"textcard"`
	Text *struct {
		Content string `json:"content"`
	} `json:"text"`
	EnableDuplicateCheck   int `json:"enable_duplicate_check"`
	DuplicateCheckInterval int `json:"duplicate_check_interval"`
}

func newFake(t *testing.T) (*fakeWeCom, *httptest.Server) {
	f := &fakeWeCom{corpID: "ww1234567890abcdef", secret: "S3cr3t-of-the-app-QxZ", agentID: 1000002,
		users: map[string]bool{"lisi": true, "wangwu": true}, tokens: map[string]bool{}, seen: map[string]bool{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/cgi-bin/gettoken":
		f.gettoken(w, r)
	case "/cgi-bin/message/send":
		f.send(w, r)
	default:
		http.NotFound(w, r)
	}
}

func errcode(w http.ResponseWriter, code int, msg string) {
	fmt.Fprintf(w, `{"errcode":%d,"errmsg":%q}`, code, msg)
}

func (f *fakeWeCom) gettoken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gettokens++
	q := r.URL.Query()
	switch {
	case r.Method != http.MethodGet:
		http.Error(w, "method", http.StatusMethodNotAllowed)
	case q.Get("corpid") != f.corpID:
		errcode(w, 40013, "invalid corpid")
	case q.Get("corpsecret") != f.secret:
		errcode(w, 40001, "invalid credential")
	default:
		b := make([]byte, 16)
		rand.Read(b)
		tok := "tok" + hex.EncodeToString(b)
		f.tokens[tok] = true
		f.issued = append(f.issued, tok)
		fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","access_token":%q,"expires_in":7200}`, tok)
	}
}

// expireAll ends every token's life, as 7200 s passing would.
func (f *fakeWeCom) expireAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for tok := range f.tokens {
		f.tokens[tok] = false
	}
}

func (f *fakeWeCom) send(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tok := r.URL.Query().Get("access_token")
	valid, known := f.tokens[tok]
	switch {
	case r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		http.Error(w, "bad request shape", http.StatusBadRequest)
		return
	case tok == "":
		errcode(w, 41001, "access_token missing")
		return
	case !known || f.rejectAll:
		errcode(w, 40014, "invalid access_token")
		return
	case !valid:
		errcode(w, 42001, "access_token expired")
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var m wireMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		errcode(w, 40058, "Warning: wrong json format.")
		return
	}
	if bad := f.validate(m); bad != "" {
		f.violations = append(f.violations, bad)
		errcode(w, 40058, bad)
		return
	}
	if f.reply != nil {
		f.reply(w)
		return
	}
	if f.rateLimit > 0 {
		f.rateLimit--
		errcode(w, 45009, "api freq out of limit")
		return
	}
	f.answer(w, tok, m, string(raw))
}

// answer delivers to the known users, reporting the others in invaliduser
// (81013 when none is known), and drops a repeat of the same JSON as the
// duplicate check does.
func (f *fakeWeCom) answer(w http.ResponseWriter, tok string, m wireMessage, raw string) {
	var invalid []string
	for _, u := range strings.Split(m.ToUser, "|") {
		if !f.users[u] {
			invalid = append(invalid, u)
		}
	}
	if len(invalid) == len(strings.Split(m.ToUser, "|")) {
		errcode(w, 81013, "user & party & tag all invalid")
		return
	}
	if m.EnableDuplicateCheck == 1 && f.seen[raw] {
		f.duplicates++
	} else {
		f.seen[raw] = true
		f.delivered = append(f.delivered, sent{Token: tok, Msg: m})
	}
	fmt.Fprintf(w, `{"errcode":0,"errmsg":"ok","invaliduser":%q,"msgid":"msg%d"}`, strings.Join(invalid, "|"), len(f.delivered))
}

// validate applies the published field rules; "" means acceptable.
func (f *fakeWeCom) validate(m wireMessage) string {
	switch {
	case m.AgentID == nil || *m.AgentID != f.agentID:
		return "invalid agentid"
	case m.ToUser == "" || m.ToUser == "@all":
		return "touser must name people"
	}
	switch m.MsgType {
	case "textcard":
		c := m.TextCard
		switch {
		case c == nil || c.Title == "" || c.Description == "" || c.URL == "":
			return "textcard needs title, description and url"
		case len(c.Title) > 128 || len(c.Description) > 512 || len(c.URL) > 2048:
			return fmt.Sprintf("textcard too long: title %d, description %d, url %d bytes", len(c.Title), len(c.Description), len(c.URL))
		case utf8.RuneCountInString(c.BtnTxt) > 4:
			return "btntxt longer than 4 characters"
		case !utf8.ValidString(c.Title + c.Description):
			return "textcard is not UTF-8"
		}
	case "text":
		if m.Text == nil || m.Text.Content == "" || len(m.Text.Content) > 2048 || !utf8.ValidString(m.Text.Content) {
			return "text content empty, over 2048 bytes or not UTF-8"
		}
	default:
		return "unexpected msgtype " + m.MsgType
	}
	return ""
}
