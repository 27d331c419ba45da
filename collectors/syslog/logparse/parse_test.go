package logparse

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Table tests with the expected Record written out, independent of the
// golden files: a wrong or missing field fails here.
func TestParseTable(t *testing.T) {
	cases := []struct {
		name string
		msg  Message
		want Record
	}{
		{"usg deny", Message{Text: "%%01POLICY/6/POLICYDENY(l):vsys=public, protocol=6, source-ip=198.51.100.23, source-port=51234, destination-ip=10.20.1.5, destination-port=3389, time=2026/12/7 09:15:02, source-zone=untrust, destination-zone=trust, rule-name=default."},
			Record{Vendor: "huawei-usg", Profile: "huawei-usg-policy-deny", Class: "fw_deny", Fields: map[string]string{
				"src_ip": "198.51.100.23", "src_port": "51234", "dst_ip": "10.20.1.5", "dst_port": "3389",
				"proto": "tcp", "rule": "default", "action": "deny"}}},
		{"h3c nat session", Message{App: "%%10SESSION/6/SESSION_IPV4_FLOW", Text: "Protocol(1001)=TCP;SrcIPAddr(1003)=192.168.187.12;SrcPort(1004)=40912;NatSrcIPAddr(1005)=112.35.18.188;NatSrcPort(1006)=9460;DstIPAddr(1007)=47.95.12.238;DstPort(1008)=80;NatDstIPAddr(1009)=47.95.12.238;NatDstPort(1010)=80;Event(1048)=(8)Session created;"},
			Record{Vendor: "h3c-secpath", Profile: "h3c-secpath-session", Class: "nat", Fields: map[string]string{
				"proto": "tcp", "src_ip": "192.168.187.12", "src_port": "40912", "nat_src_ip": "112.35.18.188",
				"nat_src_port": "9460", "dst_ip": "47.95.12.238", "dst_port": "80"}}},
		{"hillstone dnat", Message{Text: "46083624 Traffic@FLOW: NAT: 180.96.16.254:19419->58.218.194.50:80(TCP), dnat to 172.17.196.129:8080, vr trust-vr, user -@UNKNOWN, host -, rule 30"},
			Record{Vendor: "hillstone", Profile: "hillstone-nat", Class: "nat", Fields: map[string]string{
				"src_ip": "180.96.16.254", "src_port": "19419", "dst_ip": "58.218.194.50", "dst_port": "80", "proto": "tcp",
				"nat_dst_ip": "172.17.196.129", "nat_dst_port": "8080", "rule": "30"}}},
		{"sangfor deny", Message{App: "fwlog", Text: "日志类型:应用控制, 用户:lisi, 源IP:10.1.1.5, 源端口:5000, 目的IP:10.2.2.2, 目的端口:22, 系统动作:拒绝"},
			Record{Vendor: "sangfor", Profile: "sangfor-acl", Class: "fw_deny", Fields: map[string]string{
				"user": "lisi", "src_ip": "10.1.1.5", "src_port": "5000", "dst_ip": "10.2.2.2", "dst_port": "22", "action": "deny"}}},
		{"sshd invalid user ipv6", Message{App: "sshd", Text: "Failed password for invalid user admin from 2001:db8::7 port 40022 ssh2"},
			Record{Vendor: "linux", Profile: "linux-sshd-failed", Class: "login_fail", Fields: map[string]string{
				"user": "admin", "src_ip": "2001:db8::7", "src_port": "40022"}}},
		{"sudo with tag in text", Message{Text: "sudo:    alice : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/id"},
			Record{Vendor: "linux", Profile: "linux-sudo", Class: "sudo", Fields: map[string]string{"user": "alice"}}},
		{"h3c ips severity", Message{Text: "%%10IPS/4/IPS_IPV4_INTERZONE: Protocol(1001)=TCP; SrcIPAddr(1003)=1.2.3.4; SrcPort(1004)=1; DstIPAddr(1007)=10.0.0.1; DstPort(1008)=80; AttackName(1088)=X; Severity(1087)=LOW; Action(1053)=Permit & Logging;"},
			Record{Vendor: "h3c-secpath", Profile: "h3c-secpath-ips", Class: "ids", Severity: "info", Fields: map[string]string{
				"proto": "tcp", "src_ip": "1.2.3.4", "src_port": "1", "dst_ip": "10.0.0.1", "dst_port": "80", "rule": "X", "action": "permit"}}},
	}
	set := Default()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := set.Parse(c.msg)
			require.True(t, ok)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestParseRejects(t *testing.T) {
	set := Default()
	for _, m := range []Message{
		{},
		{Text: "kernel: [ 12.345678] e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex"},
		{App: "sshd", Text: "Received disconnect from 10.0.0.1 port 5000:11: Bye Bye [preauth]"},
		{Text: strings.Repeat("x", maxText) + "%%01POLICY/6/POLICYDENY(l):vsys=a, source-ip=1.2.3.4"}, // past the cut
	} {
		_, ok := set.Parse(m)
		assert.False(t, ok, "%.80q", m.Text)
	}
}

func TestNormalisation(t *testing.T) {
	assert.Equal(t, "reset", normalAction("Reset & Logging", nil))
	assert.Equal(t, "permit", normalAction("Permit & Logging", nil))
	assert.Equal(t, "block", normalAction("logging,block-source", nil))
	assert.Equal(t, "deny", normalAction("拒绝", nil))
	assert.Equal(t, "", normalAction("whatever", nil))
	assert.Equal(t, "", normalField("src_ip", "10.0.0.256", nil))
	assert.Equal(t, "", normalField("src_port", "65536", nil))
	assert.Equal(t, "", normalField("src_port", "007", nil))
	assert.Equal(t, "udp", normalField("proto", "17", nil))
	assert.Equal(t, "", normalField("user", "(null)", nil))
	long := bound(strings.Repeat("界", 200))
	assert.LessOrEqual(t, len(long), maxValue)
	assert.True(t, strings.HasSuffix(long, "界"))
	assert.Equal(t, "a\uFFFDb", bound("a\xffb"))
}

// TestTagSplitDoesNotMatter: whether the receiver leaves a device's
// "%%01MODULE/l/DIGEST(l):" tag in the text or splits it off as the app, the
// Record is the same.
func TestTagSplitDoesNotMatter(t *testing.T) {
	set := Default()
	n := 0
	for _, path := range sampleFiles(t) {
		for _, sm := range readSamples(t, path) {
			if sm.App != "" || !strings.HasPrefix(sm.Text, "%%") {
				continue
			}
			tag, rest, ok := strings.Cut(sm.Text, ":")
			if !ok {
				continue
			}
			n++
			whole, ok1 := set.Parse(Message{Text: sm.Text})
			split, ok2 := set.Parse(Message{App: tag, Text: strings.TrimSpace(rest)})
			assert.Equal(t, ok1, ok2, sm.Text)
			assert.Equal(t, whole, split, sm.Text)
		}
	}
	assert.Greater(t, n, 20)
}

// TestParseConcurrently: one Set serves every receive goroutine (run -race).
func TestParseConcurrently(t *testing.T) {
	set := Default()
	done := make(chan bool)
	for range 8 {
		go func() {
			for _, l := range benchLines {
				set.Parse(l.msg)
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}
