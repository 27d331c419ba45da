package syslog

import (
	"testing"

	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/stretchr/testify/assert"
)

func TestParse(t *testing.T) {
	cases := []struct {
		line, reason     string
		fac, sev         int
		host, app, msgid string
		text             string
		bad              bool
	}{
		{line: "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
			fac: 4, sev: 2, host: "mymachine", app: "su", text: "'su root' failed for lonvick on /dev/pts/8"},
		{line: "<86>Dec  7 17:00:00 srv1 sshd[1234]: Failed password for invalid user bob from 10.2.3.4 port 5555 ssh2",
			fac: 10, sev: 6, host: "srv1", app: "sshd", text: "Failed password for invalid user bob from 10.2.3.4 port 5555 ssh2"},
		{line: "<189>Dec  7 2026 17:00:00 HW-CORE-01 %%01SHELL/5/CMD(l)[0]:Task=VT0, Ip=10.0.0.5, User=admin",
			fac: 23, sev: 5, host: "HW-CORE-01", app: "%%01SHELL", text: "%%01SHELL/5/CMD(l)[0]:Task=VT0, Ip=10.0.0.5, User=admin"},
		{line: "<189>Dec  7 17:00:00 2026 H3C %%10SHELL/5/SHELL_LOGIN: admin logged in from 10.1.1.1.",
			fac: 23, sev: 5, host: "H3C", app: "%%10SHELL", text: "%%10SHELL/5/SHELL_LOGIN: admin logged in from 10.1.1.1."},
		{line: "<30>Dec 7 17:00:00 host systemd[1]: Started", fac: 3, sev: 6, host: "host", app: "systemd", text: "Started"},
		{line: "<30>Dec 07 17:00:00.123+08:00 host cron: job", fac: 3, sev: 6, host: "host", app: "cron", text: "job"},
		{line: "<13>2026-12-07T17:00:00.123456+08:00 fw01 USG: something", fac: 1, sev: 5, host: "fw01", app: "USG", text: "something"},
		{line: "<13>Dec  7 17:00:00 srv1 hello world no tag", fac: 1, sev: 5, host: "srv1", text: "hello world no tag"},
		{line: "<13>Dec  7 17:00:00 sshd[9]: no hostname", fac: 1, sev: 5, app: "sshd", text: "no hostname"},
		{line: "<13>hello raw", fac: 1, sev: 5, text: "hello raw"},
		{line: "<0>", text: ""},
		{line: "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\"] \xef\xbb\xbfAn application event",
			fac: 20, sev: 5, host: "mymachine.example.com", app: "evntslog", msgid: "ID47", text: "An application event"},
		{line: "<14>1 2026-12-07T17:00:00.123456+08:00 host app 123 ID - multi\nline", fac: 1, sev: 6, host: "host", app: "app", msgid: "ID", text: "multi\nline"},
		{line: "<165>1 badtime host app - - [a x=\"]\"][b] the text", fac: 20, sev: 5, host: "host", app: "app", text: "the text", bad: true},
		{line: "<165>1 broken", fac: 20, sev: 5, text: "broken", bad: true},
		{line: "no pri", reason: rejNoPriority},
		{line: "", reason: rejNoPriority},
		{line: "<192>x", reason: rejBadPriority},
		{line: "<013>x", reason: rejBadPriority},
		{line: "<1234>x", reason: rejBadPriority},
		{line: "<13", reason: rejBadPriority},
		{line: "<>x", reason: rejBadPriority},
	}
	p := newParser()
	for _, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			h, reason := p.parse([]byte(c.line))
			assert.Equal(t, c.reason, reason)
			if c.reason != "" {
				return
			}
			assert.Equal(t, c.fac, h.facility, "facility")
			assert.Equal(t, c.sev, h.severity, "severity")
			assert.Equal(t, c.host, h.hostname, "hostname")
			assert.Equal(t, c.app, h.app, "app")
			assert.Equal(t, c.msgid, h.msgid, "msgid")
			assert.Equal(t, c.text, raw(&h), "text")
			assert.Equal(t, c.bad, h.badHeader, "bad header")
		})
	}
}

// TestBSDAgreesWithGoSyslog holds the lenient RFC 3164 reader to go-syslog's
// rfc3164 machine on the standard lines the machine parses cleanly.
func TestBSDAgreesWithGoSyslog(t *testing.T) {
	lines := []string{
		"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
		"<13>Feb  5 17:32:18 10.0.0.99 myapp[42]: Use the BFG!",
		"<86>Dec  7 17:00:00 srv1 sshd[1234]: Failed password for root from 10.2.3.4 port 5555 ssh2",
		"<30>Dec 07 17:00:00 host systemd[1]: Started Session 3 of user root.",
		"<38>Jan  1 00:00:00 web-01 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls",
		"<13>Dec  7 17:00:00 srv1 hello world no tag",
		"<13>2026-12-07T17:00:00.123456+08:00 fw01 USG: something",
	}
	m := rfc3164.NewMachine(rfc3164.WithBestEffort(), rfc3164.WithRFC3339(), rfc3164.WithLenientDay())
	p := newParser()
	for _, l := range lines {
		msg, err := m.Parse([]byte(l))
		if !assert.NoError(t, err, l) {
			continue
		}
		want := msg.(*rfc3164.SyslogMessage)
		h, reason := p.parse([]byte(l))
		assert.Empty(t, reason)
		assert.Equal(t, int(*want.Facility), h.facility, l)
		assert.Equal(t, int(*want.Severity), h.severity, l)
		assert.Equal(t, deref(want.Hostname), h.hostname, l)
		assert.Equal(t, deref(want.Appname), h.app, l)
		assert.Equal(t, deref(want.Message), raw(&h), l)
	}
}

func TestCleanText(t *testing.T) {
	s, gb, bad := cleanText([]byte("plain 中文"))
	assert.Equal(t, "plain 中文", s)
	assert.False(t, gb || bad)
	// "用户登录失败" in GBK, as Chinese devices send it.
	s, gb, bad = cleanText([]byte("\xd3\xc3\xbb\xa7\xb5\xc7\xc2\xbc\xca\xa7\xb0\xdc"))
	assert.Equal(t, "用户登录失败", s)
	assert.True(t, gb)
	assert.False(t, bad)
	s, gb, bad = cleanText([]byte("ok \xff\xfe\xff end"))
	assert.Equal(t, "ok \uFFFD end", s)
	assert.False(t, gb)
	assert.True(t, bad)
	long := make([]byte, 0, 3*maxText)
	for len(long) < 2*maxText {
		long = append(long, "汉"...)
	}
	s, _, _ = cleanText(long)
	assert.LessOrEqual(t, len(s), maxText)
	assert.Greater(t, len(s), maxText-3)
	assert.Equal(t, "汉", s[len(s)-3:], "cut on a character boundary")
}

// raw is the message of a parsed line before cleaning, from whichever parser.
func raw(h *header) string {
	if h.msg != "" {
		return h.msg
	}
	return string(h.text)
}
