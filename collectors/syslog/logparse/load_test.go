package logparse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultCompilesOnce(t *testing.T) {
	a, b := Default(), Default()
	require.Same(t, a, b)
	require.NotEmpty(t, a.Profiles())
	s, err := Load(nil)
	require.NoError(t, err)
	assert.Same(t, a, s, "no operator file: the embedded set itself")
}

const operatorFile = `
# an operator's own device
vendor: acme
gate:
  contains: ["ACME-FW"]
profiles:
  - name: acme-deny
    contains: ["ACME-FW", "DENY"]
    regex: 'src=(?P<src_ip>\S+) dst=(?P<dst_ip>\S+) rule=(?P<rule>\S+)'
    set: {action: drop}
    class: fw_deny
    severity: warning
---
vendor: linux
gate:
  app: [sshd]
profiles:
  - name: linux-sshd-accepted
    contains: ["Accepted "]
    regex: 'Accepted \S+ for (?P<user>\S+) from (?P<src_ip>\S+)'
    class: login_ok
    severity: warning
`

func TestLoadOperatorProfiles(t *testing.T) {
	s, err := Load([]byte(operatorFile))
	require.NoError(t, err)

	r, ok := s.Parse(Message{Text: "ACME-FW DENY src=10.0.0.1 dst=10.0.0.2 rule=r7"})
	require.True(t, ok)
	assert.Equal(t, Record{Vendor: "acme", Profile: "acme-deny", Class: "fw_deny", Severity: "warning",
		Fields: map[string]string{"src_ip": "10.0.0.1", "dst_ip": "10.0.0.2", "rule": "r7", "action": "drop"}}, r)

	// The operator's linux-sshd-accepted replaces the embedded one of that name.
	r, ok = s.Parse(Message{App: "sshd", Text: "Accepted publickey for ops from 10.1.1.1 port 22 ssh2"})
	require.True(t, ok)
	assert.Equal(t, "warning", r.Severity)
	assert.Equal(t, map[string]string{"user": "ops", "src_ip": "10.1.1.1"}, r.Fields)

	// Embedded profiles stay, and the default set is untouched.
	r, ok = s.Parse(Message{App: "sshd", Text: "Invalid user x from 10.1.1.2 port 5"})
	require.True(t, ok)
	assert.Equal(t, "linux-sshd-invalid-user", r.Profile)
	r, _ = Default().Parse(Message{App: "sshd", Text: "Accepted publickey for ops from 10.1.1.1 port 22 ssh2"})
	assert.Equal(t, "", r.Severity)
}

// TestLoadErrors: an operator reads the error and finds the line.
func TestLoadErrors(t *testing.T) {
	head := "vendor: acme\ngate: {contains: [X]}\nprofiles:\n"
	cases := []struct{ name, yaml, want string }{
		{"syntax", "vendor: [", "yaml: line"},
		{"unknown key", head + "  - name: a\n    contians: [X]\n", `line 5: unknown key "contians"`},
		{"bad regex", head + "  - name: a\n    contains: [X]\n    regex: '(?P<src_ip>'\n", "line 4: profile \"a\": regex: error parsing regexp"},
		{"backreference", head + "  - name: a\n    contains: [X]\n    regex: '(a)\\1'\n", "regex: error parsing regexp"},
		{"group not a label", head + "  - name: a\n    contains: [X]\n    regex: '(?P<source>x)'\n", `regex group "source" is no label`},
		{"class", head + "  - name: a\n    contains: [X]\n    class: firewall\n", `class "firewall" is none of`},
		{"severity", head + "  - name: a\n    contains: [X]\n    severity: high\n", `severity "high"`},
		{"no prefilter", head + "  - name: a\n    regex: x\n", "at least one literal is needed"},
		{"kv label", head + "  - name: a\n    contains: [X]\n    kv: {sep: ',', eq: '=', keys: {src: source}}\n", `"source" is no label`},
		{"set value", head + "  - name: a\n    contains: [X]\n    set: {src_ip: nowhere}\n", `set src_ip: "nowhere" is not a valid value`},
		{"set action", head + "  - name: a\n    contains: [X]\n    set: {action: maybe}\n", `set action: "maybe"`},
		{"class by action", head + "  - name: a\n    contains: [X]\n    class_by_action: {refuse: fw_deny}\n", "class_by_action refuse"},
		{"no gate", "vendor: acme\nprofiles:\n  - name: a\n    contains: [X]\n", "gate needs contains or app"},
		{"no profiles", "vendor: acme\ngate: {contains: [X]}\n", "no profiles"},
		{"vendor name", "vendor: Acme Corp\ngate: {contains: [X]}\nprofiles:\n  - name: a\n    contains: [X]\n", `vendor "Acme Corp"`},
		{"twice", head + "  - name: a\n    contains: [X]\n  - name: a\n    contains: [Y]\n", `profile "a" is defined twice`},
		{"not a mapping", head + "  - just a string\n", "line 4: expected a mapping"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load([]byte(c.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestLoadBounds(t *testing.T) {
	_, err := Load(make([]byte, maxSpecBytes+1))
	require.ErrorContains(t, err, "more than")
}

func TestClassName(t *testing.T) {
	assert.Equal(t, "防火墙拒绝", ClassName("fw_deny"))
	assert.Equal(t, "新增管理员", ClassName("admin_add"))
	assert.Equal(t, "", ClassName("nope"))
	for _, c := range Classes() {
		assert.NotEmpty(t, ClassName(c), c)
	}
	assert.Len(t, Classes(), len(classNames))
}
