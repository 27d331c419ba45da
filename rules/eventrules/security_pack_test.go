package eventrules

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// syslogLine builds an event as docs/logs.md "A syslog line as an event"
// says the receiver writes it: source syslog, the inventory device and its
// labels, facility and both severities, the parser's vendor, profile and
// class, and the line's own fields (kv: src_ip, user, rule …).
func syslogLine(at time.Time, instance, class, text string, kv ...string) collectors.Event {
	l := map[string]string{"source": "syslog", "instance": instance, "district": "市本级", "site": "市政务云A机房",
		"level": "city", "kind": "snmp", "facility": "local6", "syslog_severity": "warning", "severity": "warning",
		"class": class}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return collectors.Event{Time: at, Labels: l, Text: text}
}

// usgDeny is a Huawei USG policy deny line from src.
func usgDeny(at time.Time, src string) collectors.Event {
	return syslogLine(at, "border-fw-01", "fw_deny",
		"%%01POLICY/6/POLICYDENY(l):vsys=public, protocol=6, source-ip="+src+", source-port=40112, destination-ip=59.207.1.10, destination-port=3389, policy=deny-rdp",
		"app", "%%01POLICY", "vendor", "huawei-usg", "profile", "huawei-usg-policy", "src_ip", src, "src_port", "40112",
		"dst_ip", "59.207.1.10", "dst_port", "3389", "proto", "tcp", "action", "deny", "rule", "deny-rdp",
		"syslog_severity", "info", "severity", "info")
}

func securityEngine(t *testing.T) (*Engine, *recorder, *clock) {
	t.Helper()
	require.Empty(t, CheckFile("packs/security.yml"), "the file on disk checks as the embedded copy loads")
	c := &clock{t: t0}
	var rec recorder
	return New(packRules(t), rec.onAlerts, Options{Now: c.now}), &rec, c
}

// only returns the one alert delivered, failing on any other count.
func only(t *testing.T, rec *recorder) alerting.Alert {
	t.Helper()
	got := rec.all()
	require.Len(t, got, 1, "%v", got)
	return got[0]
}

// securityLabels is what every security incident carries besides its key.
func securityLabels(alertname, severity string, kv ...string) map[string]string {
	l := map[string]string{"alertname": alertname, "severity": severity, "requirement": "R-A12", "kind": "security",
		"district": "市本级", "site": "市政务云A机房", "level": "city"}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return l
}

// 99 denies from one source within a minute are background; the 100th is
// FirewallDenyBurst for that firewall and source. Another source denied as
// often, but over two minutes, is not a burst.
func TestSecurityFirewallDenyBurst(t *testing.T) {
	ctx := context.Background()
	e, rec, c := securityEngine(t)
	var evs []collectors.Event
	for i := range 100 {
		evs = append(evs, usgDeny(t0.Add(time.Duration(i)*1200*time.Millisecond), "198.51.100.77")) // 50 a minute
	}
	for i := range 99 {
		evs = append(evs, usgDeny(t0.Add(time.Duration(i)*500*time.Millisecond), "203.0.113.45"))
	}
	e.Handle(ctx, evs)
	assert.Empty(t, rec.all(), "99 within a minute, and 100 over two minutes")

	at := t0.Add(58 * time.Second)
	e.Handle(ctx, []collectors.Event{usgDeny(at, "203.0.113.45")})
	a := only(t, rec)
	assert.Equal(t, at, a.StartsAt)
	assert.Equal(t, securityLabels("FirewallDenyBurst", "minor", "instance", "border-fw-01", "src_ip", "203.0.113.45"), a.Labels)
	assert.Equal(t, "防火墙拒绝激增：border-fw-01 拒绝来自 203.0.113.45 的访问1分钟内超过100次", a.Annotations["summary"])
	assert.Equal(t, "防火墙 border-fw-01（市本级）在1分钟内拒绝来自 203.0.113.45 的访问达到100次（至 2026-11-27 14:06:07，"+
		"最近一次目标 59.207.1.10:3389，策略 deny-rdp），可能是端口扫描或攻击，请安全管理员核查该来源并视情况封禁；"+
		"10分钟内不再激增即自动恢复。"+usgDeny(at, "203.0.113.45").Text, a.Annotations["description"])

	rec.reset()
	c.set(at.Add(10 * time.Minute))
	e.expire(ctx)
	require.False(t, only(t, rec).Firing, "10 minutes without a burst")
}

// Denies from many sources, none of them a burst: 5999 within a minute are
// not FirewallDenyRateHigh, the 6000th is, one incident for the firewall
// whatever the sources; the same number over two minutes is not.
func TestSecurityFirewallDenyRateHigh(t *testing.T) {
	ctx := context.Background()
	e, rec, _ := securityEngine(t)
	src := func(i int) string { return fmt.Sprintf("100.64.%d.%d", i/250, i%250) }
	var evs []collectors.Event
	for i := range 5999 { // 10 ms apart: 60 s
		ev := usgDeny(t0.Add(time.Duration(i)*10*time.Millisecond), src(i))
		ev.Labels["instance"] = "border-fw-02"
		evs = append(evs, ev)
	}
	for i := range 6000 { // 20 ms apart: 120 s
		evs = append(evs, usgDeny(t0.Add(time.Duration(i)*20*time.Millisecond), src(i)))
	}
	e.Handle(ctx, evs)
	assert.Empty(t, rec.all())

	last := usgDeny(t0.Add(59995*time.Millisecond), "100.64.99.1")
	last.Labels["instance"] = "border-fw-02"
	e.Handle(ctx, []collectors.Event{last})
	a := only(t, rec)
	assert.Equal(t, securityLabels("FirewallDenyRateHigh", "major", "instance", "border-fw-02"), a.Labels)
	assert.Equal(t, "防火墙拒绝速率过高：border-fw-02 1分钟内拒绝超过6000次", a.Annotations["summary"])
	assert.Equal(t, "防火墙 border-fw-02（市本级）在1分钟内拒绝访问达到6000次（至 2026-11-27 14:06:08，最近一次来源 100.64.99.1），"+
		"可能正遭受分布式扫描或攻击，请安全管理员核查拒绝日志的来源分布与目标；10分钟内不再超过即自动恢复。"+last.Text,
		a.Annotations["description"])
}

// sshd's failed passwords from one address on one server: the 10th within
// 5 minutes is BruteForceLogin; the same address on another server, and
// failures spread over more than 5 minutes, are not.
func TestSecurityBruteForceLogin(t *testing.T) {
	ctx := context.Background()
	e, rec, _ := securityEngine(t)
	fail := func(at time.Time, instance, src, user string) collectors.Event {
		return syslogLine(at, instance, "login_fail",
			fmt.Sprintf("Failed password for %s from %s port 52113 ssh2", user, src),
			"app", "sshd", "vendor", "linux", "profile", "linux-sshd", "facility", "authpriv", "syslog_severity", "info",
			"severity", "info", "src_ip", src, "src_port", "52113", "user", user, "kind", "agent")
	}
	var evs []collectors.Event
	for i := range 9 {
		evs = append(evs, fail(t0.Add(time.Duration(i)*30*time.Second), "oa-db-01", "198.51.100.23", "root"))
		evs = append(evs, fail(t0.Add(time.Duration(i)*30*time.Second), "oa-app-01", "198.51.100.23", "root"))
	}
	for i := range 12 { // one every 40 s: any 10 span 6 minutes
		evs = append(evs, fail(t0.Add(time.Duration(i)*40*time.Second), "oa-db-01", "192.0.2.80", "admin"))
	}
	e.Handle(ctx, evs)
	assert.Empty(t, rec.all())

	at := t0.Add(4*time.Minute + 50*time.Second)
	e.Handle(ctx, []collectors.Event{fail(at, "oa-db-01", "198.51.100.23", "oracle")})
	a := only(t, rec)
	l := securityLabels("BruteForceLogin", "major", "instance", "oa-db-01", "src_ip", "198.51.100.23")
	assert.Equal(t, l, a.Labels, "kind is security, not the device's inventory kind")
	assert.Equal(t, "疑似暴力破解：oa-db-01 遭 198.51.100.23 5分钟内登录失败10次", a.Annotations["summary"])
	assert.Equal(t, "oa-db-01（市本级）在5分钟内收到来自 198.51.100.23 的登录失败10次（至 2026-11-27 14:09:59，最近一次账号 oracle），"+
		"疑似口令暴力破解，请安全管理员核查来源、确认账号是否已锁定并视情况封禁该地址；30分钟内不再出现即自动恢复。"+
		"Failed password for oracle from 198.51.100.23 port 52113 ssh2", a.Annotations["description"])
}

// An IPS hit rated critical and a WAF hit rated major are incidents of
// their rating; a hit rated warning stays in the event store only.
func TestSecurityIntrusionDetected(t *testing.T) {
	ctx := context.Background()
	e, rec, _ := securityEngine(t)
	hit := func(class, severity, rule, src string) collectors.Event {
		return syslogLine(t0, "border-fw-01", class, "IPS/4/DETECT: "+rule, "vendor", "huawei-usg", "profile", "huawei-usg-ips",
			"severity", severity, "syslog_severity", "warning", "rule", rule, "src_ip", src, "dst_ip", "59.207.1.20",
			"dst_port", "80", "action", "block")
	}
	e.Handle(ctx, []collectors.Event{
		hit("ids", "warning", "ICMP Ping Sweep", "192.0.2.1"),
		hit("ids", "critical", "Apache Log4j RCE (CVE-2021-44228)", "203.0.113.5"),
		hit("waf", "major", "SQL Injection 1001", "203.0.113.6"),
	})
	got := rec.all()
	require.Len(t, got, 2)
	assert.Equal(t, securityLabels("IntrusionDetected", "critical", "instance", "border-fw-01",
		"rule", "Apache Log4j RCE (CVE-2021-44228)", "src_ip", "203.0.113.5"), got[0].Labels)
	assert.Equal(t, "检测到入侵：border-fw-01 入侵检测/防御规则 Apache Log4j RCE (CVE-2021-44228)（来源 203.0.113.5）", got[0].Annotations["summary"])
	assert.Equal(t, securityLabels("IntrusionDetected", "major", "instance", "border-fw-01",
		"rule", "SQL Injection 1001", "src_ip", "203.0.113.6"), got[1].Labels)
	assert.Equal(t, "border-fw-01（市本级）于 2026-11-27 14:05:09 Web应用防火墙命中规则 SQL Injection 1001：来源 203.0.113.6，"+
		"目标 59.207.1.20:80，处置 block。请安全管理员核查目标系统是否受影响、来源是否需封禁；1小时内同一来源不再命中即自动恢复。"+
		"IPS/4/DETECT: SQL Injection 1001", got[1].Annotations["description"])
}

// A configuration change and a new administrator are incidents per device
// and account; the same account changing again is the same incident.
func TestSecurityConfigChangeAndNewAdmin(t *testing.T) {
	ctx := context.Background()
	e, rec, _ := securityEngine(t)
	change := syslogLine(t0, "core-sw-01", "config_change",
		"%%01CFG/4/CFG_CHANGE(l):Configuration was changed. (UserName=netadmin, IP=10.10.1.5)",
		"app", "%%01CFG", "vendor", "huawei", "user", "netadmin", "src_ip", "10.10.1.5")
	admin := syslogLine(t0.Add(time.Minute), "core-sw-01", "admin_add",
		"%%01AAA/5/ADD_NEW_USER_SECURITY(l):User was created. (UserName=backdoor, privilege level 15)",
		"app", "%%01AAA", "vendor", "huawei", "user", "backdoor")
	e.Handle(ctx, []collectors.Event{change, change, admin})
	got := rec.all()
	require.Len(t, got, 2)
	assert.Equal(t, securityLabels("DeviceConfigChanged", "warning", "instance", "core-sw-01", "user", "netadmin"), got[0].Labels)
	assert.Equal(t, "设备配置变更：core-sw-01（账号 netadmin）", got[0].Annotations["summary"])
	assert.Equal(t, "设备 core-sw-01（市本级）于 2026-11-27 14:05:09 配置被修改，操作账号 netadmin，来源 10.10.1.5，"+
		"请核对是否有对应的变更审批（维护窗口）；1小时内该账号无新的变更即自动恢复。"+change.Text, got[0].Annotations["description"])
	assert.Equal(t, securityLabels("NewAdminAccount", "major", "instance", "core-sw-01", "user", "backdoor"), got[1].Labels)
	assert.Equal(t, "新增管理员账号：core-sw-01 账号 backdoor", got[1].Annotations["summary"])
	assert.Equal(t, "core-sw-01（市本级）于 2026-11-27 14:06:09 新增管理员/本地账号 backdoor，请安全管理员核实是否经过审批，"+
		"非授权账号请立即删除并排查入侵；24小时后自动恢复。"+admin.Text, got[1].Annotations["description"])
}

// The SNMP authenticationFailure trap (collectors/snmptrap/profiles.yaml,
// severity warning) is one incident per device.
func TestSecurityAuthenticationFailureTrap(t *testing.T) {
	ctx := context.Background()
	e, rec, _ := securityEngine(t)
	tr := trap(t0, "authenticationFailure", "agg-sw-04", "")
	tr.Labels["severity"] = "warning"
	tr.Labels["class"] = "login_fail" // as docs/logs.md classes it: it must not count as a brute force
	e.Handle(ctx, slices.Repeat([]collectors.Event{tr}, 12))
	a := only(t, rec)
	assert.Equal(t, map[string]string{"alertname": "AuthenticationFailureTrap", "severity": "warning", "requirement": "R-A12",
		"kind": "security", "instance": "agg-sw-04", "district": "灵宝市"}, a.Labels)
	assert.Equal(t, "设备 agg-sw-04 SNMP认证失败", a.Annotations["summary"])
	assert.Equal(t, "设备 agg-sw-04（灵宝市）于 2026-11-27 14:05:09 上报SNMP认证失败，可能是团体名配置错误或存在非法访问，"+
		"请安全管理员核查；1小时内无新的认证失败即自动恢复。trap authenticationFailure", a.Annotations["description"])
}
