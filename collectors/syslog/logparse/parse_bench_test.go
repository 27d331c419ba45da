package logparse

import "testing"

// The benchmark lines: what a firewall sends most (session/deny), an sshd
// failure, and lines no profile wants — the common case the prefilter is for.
var benchLines = []struct {
	name string
	msg  Message
}{
	{"match/h3c-session-nat", Message{Text: "%%10SESSION/6/SESSION_IPV4_FLOW:Protocol(1001)=TCP;Application(1002)=http;SrcIPAddr(1003)=192.168.187.12;SrcPort(1004)=40912;NatSrcIPAddr(1005)=112.35.18.188;NatSrcPort(1006)=9460;DstIPAddr(1007)=47.95.12.238;DstPort(1008)=80;NatDstIPAddr(1009)=47.95.12.238;NatDstPort(1010)=80;InitPktCount(1044)=1;InitByteCount(1046)=60;RplyPktCount(1045)=0;RplyByteCount(1047)=0;RcvVPNInstance(1042)=;SndVPNInstance(1043)=;BeginTime_e(1013)=12012019081543;EndTime_e(1014)=;Event(1048)=(8)Session created;"}},
	{"match/usg-policy-deny", Message{Text: "%%01POLICY/6/POLICYDENY(l):vsys=public, protocol=6, source-ip=198.51.100.23, source-port=51234, destination-ip=10.20.1.5, destination-port=3389, time=2026/12/7 09:15:02, source-zone=untrust, destination-zone=trust, rule-name=default."}},
	{"match/hillstone-deny", Message{Text: "2812008195003847(root) 4424362f Traffic@FLOW: SESSION: 172.19.112.25:64141->10.11.183.156:445(TCP), interface ethernet0/1, vr trust-vr, policy 16, user -@-, host -, mac 0000.0000.0000, policy deny"}},
	{"match/sshd-failed", Message{App: "sshd", Text: "Failed password for invalid user oracle from 185.91.116.249 port 48690 ssh2"}},
	{"nomatch/kernel", Message{App: "kernel", Text: "[ 1234.567890] e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx"}},
	{"nomatch/huawei-ospf", Message{Text: "%%01OSPF/3/NBR_CHG_DOWN(l)[14]:Neighbor event:neighbor state changed to Down. (ProcessId=1, NeighborAddress=10.0.0.2, NeighborEvent=KillNbr, NeighborPreviousState=Full, NeighborCurrentState=Down)"}},
	{"nomatch/sshd-disconnect", Message{App: "sshd", Text: "Received disconnect from 10.10.50.120 port 42829:11: Bye Bye [preauth]"}},
}

// BenchmarkParse measures ns per line and allocations, for recognised lines
// and for lines no profile wants.
func BenchmarkParse(b *testing.B) {
	set := Default()
	for _, l := range benchLines {
		b.Run(l.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				set.Parse(l.msg)
			}
		})
	}
}

// BenchmarkAnchorEveryRegex is the anchor the prefilter is judged against:
// the same lines offered to every profile's regexp in turn, no literals
// first, as a parser without a prefilter would. Compare it with
// BenchmarkParse in the same run (ratios, not absolute ns).
func BenchmarkAnchorEveryRegex(b *testing.B) {
	set := Default()
	var all []*profile
	for _, f := range set.families {
		for _, p := range f.profiles {
			if p.re != nil {
				all = append(all, p)
			}
		}
	}
	for _, l := range benchLines {
		b.Run(l.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range all {
					if p.re.MatchString(l.msg.Text) {
						break
					}
				}
			}
		})
	}
}
