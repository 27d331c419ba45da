package sim

import (
	"fmt"
	"time"
)

// The lines each vendor writes, in the formats of the parser profiles
// (collectors/syslog/logparse/profiles, where the sources are named): the
// USG's policy and session logs, the SecPath's Comware 7 fast-output
// FILTER and SESSION logs, StoneOS's Traffic@FLOW logs, VRP's SSH and
// command records, Comware's SHELL logs, OpenSSH's and sudo's messages.
// Every line carries the class logparse is meant to give it (want), which
// the tests check. Addresses: the city's inside networks are 10.x, its
// public addresses 203.0.113.0/24, the internet 192.0.2.0/24 and public
// resolvers, scanners 198.51.100.0/24 (the documentation ranges).

// flow is one connection as a firewall logs it; nat addresses equal to the
// original ones are no translation.
type flow struct {
	proto            string // tcp or udp
	src, dst         string
	sport, dport     int
	natSrc, natDst   string
	natSport, natDpt int
}

var (
	webResolvers = []string{"114.114.114.114", "223.5.5.5", "119.29.29.29"}
	scanPorts    = []int{22, 23, 445, 3389, 1433, 3306, 6379, 8080, 5900, 135, 139, 21, 25, 110, 143, 161, 389, 443,
		80, 8443, 9200, 27017, 5432, 1521, 11211, 2375, 7001, 8000, 8888, 9000}
	opsUsers     = []string{"zhangwei", "liqiang", "wangfang", "ops"}
	strayUsers   = []string{"test", "admin", "oracle", "ubuntu", "git", "postgres"}
	guessUsers   = []string{"admin", "oracle", "test", "user", "mysql", "postgres", "ftpuser", "guest", "deploy"}
	sudoCommands = []string{"/usr/bin/systemctl status nginx", "/usr/bin/systemctl restart nginx",
		"/usr/bin/journalctl -u sshd --since today", "/usr/bin/df -h", "/usr/bin/tail -n 200 /var/log/messages"}
	appNames = map[int]string{443: "https", 80: "http", 53: "dns", 22: "ssh", 3389: "ms-rdp", 445: "smb", 123: "ntp"}
)

// fwLine is one background line: a permitted session, a NAT translation,
// or (1 in 25) a stray scanner's denied probe.
func (d *logDevice) fwLine(at time.Time) logLine {
	s, r := d.fw.spec, d.rng
	client := fmt.Sprintf("%s.%d.%d", s.inside, 1+r.IntN(30), 2+r.IntN(250))
	sport := 32768 + r.IntN(28000)
	switch p := r.Float64(); {
	case p < 0.04:
		return d.denyLine(at, flow{proto: "tcp", src: d.scanner(), sport: 1024 + r.IntN(64000),
			dst: s.vips[r.IntN(len(s.vips))], dport: scanPorts[r.IntN(len(scanPorts))]}, d.rng.Uint32())
	case p < 0.45: // an outbound connection
		f := flow{proto: "tcp", src: client, sport: sport, dst: fmt.Sprintf("192.0.2.%d", 1+r.IntN(254)), dport: 443}
		if r.IntN(4) == 0 {
			f.proto, f.dst, f.dport = "udp", webResolvers[r.IntN(len(webResolvers))], 53
		}
		return d.permitLine(at, f, d.rng.Uint32())
	case p < 0.8: // the same, source-translated to the NAT pool
		f := flow{proto: "tcp", src: client, sport: sport, dst: fmt.Sprintf("192.0.2.%d", 1+r.IntN(254)), dport: 443}
		f.natSrc, f.natSport = s.nat[r.IntN(len(s.nat))], 1024+r.IntN(60000)
		return d.natLine(at, f, d.rng.Uint32())
	default: // a citizen reaching a published service, destination-translated
		vip := s.vips[r.IntN(len(s.vips))]
		f := flow{proto: "tcp", src: fmt.Sprintf("192.0.2.%d", 1+r.IntN(254)), sport: 1024 + r.IntN(64000), dst: vip, dport: 443,
			natDst: fmt.Sprintf("%s.200.%d", s.inside, 10+r.IntN(20)), natDpt: 443}
		return d.natLine(at, f, d.rng.Uint32())
	}
}

// scanner is a stray internet scanner's address.
func (d *logDevice) scanner() string { return fmt.Sprintf("198.51.100.%d", 1+d.rng.IntN(254)) }

// bastionClient is an operator's address behind the bastion hosts.
func (d *logDevice) bastionClient() string { return fmt.Sprintf("10.1.0.%d", 30+d.rng.IntN(20)) }

// scanDeny is line i of a port scan from src on the firewall's first
// published address: ports in scanPorts order, then upwards from 1024.
// It uses no random source: faults run outside the senders' loop.
func (d *logDevice) scanDeny(at time.Time, src string, i int) logLine {
	port := 1024 + i
	if i < len(scanPorts) {
		port = scanPorts[i]
	}
	h := hash3(uint64(d.idx), uint64(i), 0x7363616e)
	return d.denyLine(at, flow{proto: "tcp", src: src, sport: 40000 + int(h%20000), dst: d.fw.spec.vips[0], dport: port}, uint32(h))
}

func protoNum(p string) int {
	if p == "udp" {
		return 17
	}
	return 6
}

func upper(p string) string {
	if p == "udp" {
		return "UDP"
	}
	return "TCP"
}

func appOf(port int) string {
	if a, ok := appNames[port]; ok {
		return a
	}
	return "other"
}

// orSame fills a side without translation with the original address.
func (f flow) orSame() flow {
	if f.natSrc == "" {
		f.natSrc, f.natSport = f.src, f.sport
	}
	if f.natDst == "" {
		f.natDst, f.natDpt = f.dst, f.dport
	}
	return f
}

// fwLog is a firewall line at local7 with the vendor's level.
func fwLog(at time.Time, sev int, want, text string) logLine {
	return logLine{at: at, facility: facLocal7, severity: sev, want: want, text: text}
}

// hillstonePrefix is StoneOS's "<log id> Traffic@FLOW: " (the serial and
// vsys are the header's host field).
func hillstonePrefix(h uint32) string { return fmt.Sprintf("%08x Traffic@FLOW: ", 0x44240000|h&0xffff) }

func (d *logDevice) permitLine(at time.Time, f flow, h uint32) logLine {
	local := at.In(shanghai)
	switch d.vendor {
	case "huawei-usg":
		return fwLog(at, sevInfo, "fw_session", fmt.Sprintf("%%%%01POLICY/6/POLICYPERMIT(l):vsys=public, protocol=%d, "+
			"source-ip=%s, source-port=%d, destination-ip=%s, destination-port=%d, time=%s, source-zone=trust, "+
			"destination-zone=untrust, rule-name=lan_to_wan.", protoNum(f.proto), f.src, f.sport, f.dst, f.dport,
			local.Format("2006/1/2 15:04:05")))
	case "h3c-secpath":
		return fwLog(at, sevInfo, "fw_session", fmt.Sprintf("%%%%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: SrcZoneName(1025)=Trust;"+
			"DstZoneName(1035)=Untrust;Type(1067)=ACL;SecurityPolicy(1072)=trust_to_untrust;RuleID(1078)=10;"+
			"Protocol(1001)=%s;Application(1002)=%s;SrcIPAddr(1003)=%s;SrcPort(1004)=%d;DstIPAddr(1007)=%s;"+
			"DstPort(1008)=%d;MatchCount(1069)=1;Event(1048)=Permit;", upper(f.proto), appOf(f.dport), f.src, f.sport, f.dst, f.dport))
	}
	secs := 1 + int(h%90)
	return fwLog(at, sevWarning, "fw_session", fmt.Sprintf("%sSESSION: %s:%d->%s:%d(%s), application %s, interface ethernet0/2, "+
		"vr trust-vr, policy 3, user -@-, host -, send packets %d,send bytes %d,receive packets %d,receive bytes %d,"+
		"start time %s,close time %s,session end,TCP FIN", hillstonePrefix(h), f.src, f.sport, f.dst, f.dport, upper(f.proto),
		appOf(f.dport), 4+h%40, 400+h%9000, 4+h%60, 800+h%90000, local.Add(-time.Duration(secs)*time.Second).Format(time.DateTime),
		local.Format(time.DateTime)))
}

func (d *logDevice) natLine(at time.Time, f flow, h uint32) logLine {
	local, n := at.In(shanghai), f.orSame()
	switch d.vendor {
	case "huawei-usg":
		begin := at.Unix() - int64(1+h%120)
		return fwLog(at, sevInfo, "nat", fmt.Sprintf("%%%%01SECLOG/6/SESSION_TEARDOWN(l):IPVer=4,Protocol=%s,SourceIP=%s,"+
			"DestinationIP=%s,SourcePort=%d,DestinationPort=%d,SourceNatIP=%s,SourceNatPort=%d,DestinationNatIP=%s,"+
			"DestinationNatPort=%d,BeginTime=%d,EndTime=%d,SourceVpnID=0,DestinationVpnID=0,PolicyName=%s.",
			f.proto, f.src, f.dst, f.sport, f.dport, n.natSrc, n.natSport, n.natDst, n.natDpt, begin, at.Unix(), natPolicy(f)))
	case "h3c-secpath":
		return fwLog(at, sevInfo, "nat", fmt.Sprintf("%%%%10SESSION/6/SESSION_IPV4_FLOW:Protocol(1001)=%s;Application(1002)=%s;"+
			"SrcIPAddr(1003)=%s;SrcPort(1004)=%d;NATSrcIPAddr(1005)=%s;NATSrcPort(1006)=%d;DstIPAddr(1007)=%s;DstPort(1008)=%d;"+
			"NATDstIPAddr(1009)=%s;NATDstPort(1010)=%d;InitPktCount(1044)=%d;InitByteCount(1046)=%d;RplyPktCount(1045)=%d;"+
			"RplyByteCount(1047)=%d;RcvVPNInstance(1042)=;SndVPNInstance(1043)=;RcvDSLiteTunnelPeer(1040)=;"+
			"SndDSLiteTunnelPeer(1041)=;BeginTime_e(1013)=%s;EndTime_e(1014)=%s;Event(1048)=(1)Normal over;",
			upper(f.proto), appOf(f.dport), f.src, f.sport, n.natSrc, n.natSport, f.dst, f.dport, n.natDst, n.natDpt,
			3+h%30, 300+h%5000, 3+h%40, 600+h%60000, local.Add(-time.Duration(1+h%60)*time.Second).Format("01022006150405"),
			local.Format("01022006150405")))
	}
	kind, to, port := "snat", n.natSrc, n.natSport
	if f.natDst != "" {
		kind, to, port = "dnat", n.natDst, n.natDpt
	}
	return fwLog(at, sevWarning, "nat", fmt.Sprintf("%sNAT: %s:%d->%s:%d(%s), %s to %s:%d, vr trust-vr, user -@UNKNOWN, host -, rule %d",
		hillstonePrefix(h), f.src, f.sport, f.dst, f.dport, upper(f.proto), kind, to, port, map[string]int{"snat": 4, "dnat": 30}[kind]))
}

func natPolicy(f flow) string {
	if f.natDst != "" {
		return "wan_to_dmz"
	}
	return "lan_to_wan"
}

func (d *logDevice) denyLine(at time.Time, f flow, h uint32) logLine {
	switch d.vendor {
	case "huawei-usg":
		return fwLog(at, sevInfo, "fw_deny", fmt.Sprintf("%%%%01POLICY/6/POLICYDENY(l):vsys=public, protocol=%d, source-ip=%s, "+
			"source-port=%d, destination-ip=%s, destination-port=%d, time=%s, source-zone=untrust, destination-zone=dmz, "+
			"rule-name=default.", protoNum(f.proto), f.src, f.sport, f.dst, f.dport, at.In(shanghai).Format("2006/1/2 15:04:05")))
	case "h3c-secpath":
		return fwLog(at, sevInfo, "fw_deny", fmt.Sprintf("%%%%10FILTER/6/FILTER_ZONE_IPV4_EXECUTION: SrcZoneName(1025)=Untrust;"+
			"DstZoneName(1035)=Trust;Type(1067)=ACL;SecurityPolicy(1072)=untrust_deny;RuleID(1078)=100;Protocol(1001)=%s;"+
			"Application(1002)=%s;SrcIPAddr(1003)=%s;SrcPort(1004)=%d;DstIPAddr(1007)=%s;DstPort(1008)=%d;MatchCount(1069)=1;"+
			"Event(1048)=Deny;", upper(f.proto), appOf(f.dport), f.src, f.sport, f.dst, f.dport))
	}
	return fwLog(at, sevWarning, "fw_deny", fmt.Sprintf("%sSESSION: %s:%d->%s:%d(%s), interface ethernet0/1, vr trust-vr, "+
		"policy 20, user -@-, host -, mac 0000.0000.0000, policy deny", hillstonePrefix(h), f.src, f.sport, f.dst, f.dport, upper(f.proto)))
}

// switchLogin is a successful SSH login to a switch.
func (d *logDevice) switchLogin(at time.Time, user, from string) logLine {
	if d.vendor == "h3c" {
		return logLine{at: at, facility: facLocal7, severity: sevNotice, want: "login_ok",
			text: fmt.Sprintf("%%%%10SHELL/5/SHELL_LOGIN: %s logged in from %s.", user, from)}
	}
	d.seq++
	return logLine{at: at, facility: facLocal7, severity: sevNotice, want: "login_ok",
		text: fmt.Sprintf("%%%%01SSH/5/SSH_USER_LOGIN(s)[%d]:The SSH user succeeded in logging in. (ServiceType=stelnet, "+
			"UserName=%s, UserAddress=%s, LocalAddress=10.1.0.%d, VPNInstanceName=_public_.)", d.seq, user, from, 1+d.idx)}
}

// switchCommand is a configuration command as the switch records it.
func (d *logDevice) switchCommand(at time.Time, user, from, cmd string) logLine {
	if d.vendor == "h3c" {
		return logLine{at: at, facility: facLocal7, severity: sevInfo, want: "config_change",
			text: fmt.Sprintf("%%%%10SHELL/6/SHELL_CMD: -Line=vty0-IPAddr=%s-User=%s; Command is %s", from, user, cmd)}
	}
	d.seq++
	return logLine{at: at, facility: facLocal7, severity: sevNotice, want: "config_change",
		text: fmt.Sprintf("%%%%01SHELL/5/CMDRECORD(s)[%d]:Recorded command information. (Task=VT0, Ip=%s, VpnName=, User=%s, "+
			"AuthenticationMethod=\"Local-user\", Command=\"%s\")", d.seq, from, user, cmd)}
}

// changeCommands is one configuration session: a port put in a VLAN, saved.
func (d *logDevice) changeCommands() []string {
	port, vlan := 1+d.rng.IntN(24), 100+d.rng.IntN(60)
	if d.vendor == "h3c" {
		return []string{fmt.Sprintf("interface GigabitEthernet1/0/%d", port), fmt.Sprintf("port access vlan %d", vlan), "save force"}
	}
	return []string{fmt.Sprintf("interface GigabitEthernet0/0/%d", port), fmt.Sprintf("port default vlan %d", vlan), "save"}
}

// sshd is an OpenSSH line at authpriv.
func (d *logDevice) sshdLine(at time.Time, sev int, want, text string) logLine {
	return logLine{at: at, facility: facAuthpriv, severity: sev, app: "sshd", pid: 1000 + int(hash3(uint64(d.idx), uint64(at.UnixNano()), 0)%60000),
		want: want, text: text}
}

func (d *logDevice) sshAccepted(at time.Time, user, from string) logLine {
	return d.sshdLine(at, sevInfo, "login_ok", fmt.Sprintf("Accepted publickey for %s from %s port %d ssh2: RSA SHA256:%s",
		user, from, 40000+d.rng.IntN(20000), fingerprint(user)))
}

func (d *logDevice) sshFailed(at time.Time, user, from string, invalid bool) logLine {
	who := user
	if invalid {
		who = "invalid user " + user
	}
	port := 30000 + int(hash3(uint64(at.UnixNano()), 0x66, 0)%30000)
	return d.sshdLine(at, sevInfo, "login_fail", fmt.Sprintf("Failed password for %s from %s port %d ssh2", who, from, port))
}

func (d *logDevice) sshInvalid(at time.Time, user, from string) logLine {
	port := 30000 + int(hash3(uint64(at.UnixNano()), 0x69, 0)%30000)
	return d.sshdLine(at, sevInfo, "login_fail", fmt.Sprintf("Invalid user %s from %s port %d", user, from, port))
}

// sshGuess is guess i of a password-guessing tool: root first, then
// common names, each unknown name announced by sshd before its failure.
func (d *logDevice) sshGuess(at time.Time, src string, i int) logLine {
	if i%4 != 3 {
		return d.sshFailed(at, "root", src, false)
	}
	user := guessUsers[(i/4)%len(guessUsers)]
	if i%8 == 3 {
		return d.sshInvalid(at, user, src)
	}
	return d.sshFailed(at, user, src, true)
}

func (d *logDevice) sudo(at time.Time, user, cmd string) logLine {
	return logLine{at: at, facility: facAuthpriv, severity: sevNotice, app: "sudo", want: "sudo",
		text: fmt.Sprintf("%s : TTY=pts/0 ; PWD=/home/%s ; USER=root ; COMMAND=%s", user, user, cmd)}
}

// fingerprint is a stable stand-in for a user's key fingerprint.
func fingerprint(user string) string {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	h := hostSeed(user)
	out := make([]byte, 43)
	for i := range out {
		out[i] = b64[h%64]
		h = mix(h + uint64(i))
	}
	return string(out)
}
