package email

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func notification() notice.Notification {
	return notice.Notification{
		ID: "inc-42/step-1/email", Severity: notice.Major,
		Title:  "【重要】灵宝市 链路中断",
		Text:   "区县：灵宝市\n站点：函谷关汇聚点\n告警开始：2026-11-27 14:05:09",
		URL:    "https://swanwatch.smx/incidents/42",
		AckURL: "https://swanwatch.smx/incidents/42/ack",
	}
}

func config(ms *mailServer, mode, auth string) Config {
	return Config{
		Addr: ms.Addr, TLS: mode, CAFile: ms.CAFile, Auth: auth,
		Username: "user", Password: "secret-pw",
		From: "SwanWatch <noc@smx.example>", To: []string{"值班 <duty@smx.example>", "ops@smx.example"},
		Timeout: 5 * time.Second,
	}
}

func send(t *testing.T, cfg Config) error {
	t.Helper()
	s, err := New(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return s.Send(context.Background(), notification())
}

func TestDelivery(t *testing.T) {
	tests := []struct {
		name, mode, auth string
		implicit         bool
	}{
		{"plain AUTH PLAIN", Plain, "plain", false},
		{"plain AUTH LOGIN", Plain, "login", false},
		{"starttls", StartTLS, "plain", false},
		{"implicit tls", TLS, "login", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := startMailServer(t, tc.implicit)
			require.NoError(t, send(t, config(ms, tc.mode, tc.auth)))
			got := ms.received()
			require.Len(t, got, 1)
			assert.Equal(t, "user", got[0].User)
			assert.Equal(t, "noc@smx.example", got[0].From)
			assert.Equal(t, []string{"duty@smx.example", "ops@smx.example"}, got[0].To)
			checkMessage(t, got[0].Data)
		})
	}
}

// checkMessage decodes the mail as a client would and checks what people read.
func checkMessage(t *testing.T, data []byte) {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	require.NoError(t, err)
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	assert.Equal(t, "【重要】灵宝市 链路中断", subject)
	assert.Equal(t, "inc-42/step-1/email", m.Header.Get("X-SwanWatch-Notification"))
	assert.Regexp(t, `^<[0-9a-f]{32}@smx\.example>$`, m.Header.Get("Message-ID"))
	assert.True(t, strings.HasSuffix(m.Header.Get("Date"), "+0800"), m.Header.Get("Date"))
	_, err = m.Header.Date()
	require.NoError(t, err)
	assert.Equal(t, `text/plain; charset="utf-8"`, m.Header.Get("Content-Type"))
	raw, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	require.NoError(t, err)
	body := string(raw)
	assert.Contains(t, body, "站点：函谷关汇聚点\r\n")
	assert.Contains(t, body, "事件详情：https://swanwatch.smx/incidents/42\r\n")
	assert.Contains(t, body, "确认：https://swanwatch.smx/incidents/42/ack")
}

func TestSendFailures(t *testing.T) {
	ms := startMailServer(t, false)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	downAddr := l.Addr().String()
	require.NoError(t, l.Close())

	badPass := config(ms, Plain, "plain")
	badPass.Password = "wrong-pw"
	noAuth := config(ms, Plain, "")
	noAuth.Username, noAuth.Password = "", ""
	down := config(ms, Plain, "plain")
	down.Addr = downAddr
	untrusted := config(ms, StartTLS, "plain")
	untrusted.CAFile = ""
	tests := []struct {
		name      string
		cfg       Config
		permanent bool
	}{
		{"wrong password", badPass, true},
		{"auth required", noAuth, true},
		{"server down", down, false},
		{"untrusted certificate", untrusted, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := send(t, tc.cfg)
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err), "%v", err)
			assert.NotContains(t, err.Error(), "pw")
		})
	}
	assert.Empty(t, ms.received())
}

func TestNewValidates(t *testing.T) {
	good := Config{Addr: "smtp.smx.example:587", From: "noc@smx.example", To: []string{"a@smx.example"}}
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"no port", func(c *Config) { c.Addr = "smtp.smx.example" }},
		{"bad tls mode", func(c *Config) { c.TLS = "ssl" }},
		{"bad auth", func(c *Config) { c.Auth = "cram-md5"; c.Username = "u"; c.Password = "p" }},
		{"auth without password", func(c *Config) { c.Username = "u" }},
		{"plain auth off loopback", func(c *Config) { c.TLS = Plain; c.Username = "u"; c.Password = "top-secret" }},
		{"bad from", func(c *Config) { c.From = "not an address" }},
		{"no recipients", func(c *Config) { c.To = nil }},
		{"bad recipient", func(c *Config) { c.To = []string{"x@"} }},
		{"missing ca file", func(c *Config) { c.CAFile = "/nonexistent/ca.pem" }},
	}
	_, err := New(good, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			_, err := New(cfg, slog.New(slog.DiscardHandler))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "top-secret")
		})
	}
}

func TestBuildMessageRejects(t *testing.T) {
	from, to := &mail.Address{Address: "noc@smx.example"}, []*mail.Address{{Address: "a@smx.example"}}
	for name, edit := range map[string]func(*notice.Notification){
		"empty id":      func(n *notice.Notification) { n.ID = "" },
		"newline in id": func(n *notice.Notification) { n.ID = "a\r\nBcc: x@evil" },
		"empty title":   func(n *notice.Notification) { n.Title = " " },
	} {
		t.Run(name, func(t *testing.T) {
			n := notification()
			edit(&n)
			_, err := buildMessage(from, to, n, time.Now())
			require.Error(t, err)
		})
	}
}

// FuzzBuildMessage checks that no title or text can add a header or break the
// message apart: the result always parses with exactly our headers.
func FuzzBuildMessage(f *testing.F) {
	f.Add("【重要】灵宝市 链路中断", "站点：函谷关\n")
	f.Add("x\r\nBcc: evil@x", "\r\n.\r\n")
	from, to := &mail.Address{Address: "noc@smx.example"}, []*mail.Address{{Address: "a@smx.example"}}
	f.Fuzz(func(t *testing.T, title, text string) {
		n := notification()
		n.Title, n.Text = title, text
		msg, err := buildMessage(from, to, n, time.Now())
		if err != nil {
			return
		}
		m, err := mail.ReadMessage(bytes.NewReader(msg))
		require.NoError(t, err)
		assert.Len(t, m.Header, 9)
		assert.Empty(t, m.Header.Get("Bcc"))
		raw, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(raw), crlf(text)))
	})
}
