package demo

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// robot stands in, in the demo, for the duty group's WeCom robot and the
// SMS gateway: it answers as they do and prints what the engineer's phone
// would show, so the whole path — rule, incident, routing, outbox, channel —
// runs for real up to the last HTTP request.
type robot struct {
	mu        sync.Mutex
	out       io.Writer
	onMessage func(channel, text string)
	ln        net.Listener
	srv       *http.Server
	hooks     *phoneHooks // the person-paging platforms' side (robot_phone.go)
}

func startRobot(out io.Writer, onMessage func(channel, text string)) (*robot, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start the demo robot: %w", err)
	}
	r := &robot{out: out, onMessage: onMessage, ln: ln, hooks: newPhoneHooks()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cgi-bin/webhook/send", r.wecom)
	mux.HandleFunc("POST /sms", r.sms)
	mux.HandleFunc("GET /cgi-bin/gettoken", r.wecomToken)
	mux.HandleFunc("POST /cgi-bin/message/send", r.wecomApp)
	mux.HandleFunc("POST /voice/", r.aliyunCall)
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *robot) url() string { return "http://" + r.ln.Addr().String() }

func (r *robot) close() { _ = r.srv.Close() }

// wecom takes a robot message (markdown or text) as WeCom does.
func (r *robot) wecom(w http.ResponseWriter, req *http.Request) {
	var m struct {
		Markdown struct{ Content string } `json:"markdown"`
		Text     struct {
			Content             string   `json:"content"`
			MentionedMobileList []string `json:"mentioned_mobile_list"`
		} `json:"text"`
	}
	if err := json.NewDecoder(io.LimitReader(req.Body, 64<<10)).Decode(&m); err != nil {
		_, _ = io.WriteString(w, `{"errcode":40008,"errmsg":"invalid message type"}`)
		return
	}
	text := plainMarkdown(m.Markdown.Content)
	if text == "" {
		text = m.Text.Content + " @" + strings.Join(m.Text.MentionedMobileList, " @")
	}
	r.show("企业微信·值班群", text)
	_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

// sms takes the gateway request the demo's sms channel renders.
func (r *robot) sms(w http.ResponseWriter, req *http.Request) {
	var m struct {
		To   []string `json:"to"`
		Text string   `json:"text"`
	}
	if err := json.NewDecoder(io.LimitReader(req.Body, 64<<10)).Decode(&m); err != nil {
		http.Error(w, `{"code":"400"}`, http.StatusBadRequest)
		return
	}
	r.show("短信 → "+strings.Join(m.To, ","), m.Text)
	_, _ = io.WriteString(w, `{"code":"0"}`)
	r.answerSMS(m.To, m.Text)
}

func (r *robot) show(channel, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.out != nil {
		fmt.Fprintf(r.out, "\n┌─ %s  %s\n│ %s\n└─\n", channel, cst.FormatTime(time.Now()),
			strings.ReplaceAll(strings.TrimSpace(text), "\n", "\n│ "))
	}
	if r.onMessage != nil {
		r.onMessage(channel, text)
	}
}

var markdownTags = regexp.MustCompile(`</?font[^>]*>|^## `)

// plainMarkdown shows WeCom markdown as the phone renders it, roughly.
func plainMarkdown(s string) string {
	return markdownTags.ReplaceAllString(s, "")
}
