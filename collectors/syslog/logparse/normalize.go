package logparse

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds on what a Record carries: a field value longer than maxValue bytes
// is cut (at a rune boundary), and only the first maxText bytes of a line (and
// maxTag of its app and msgid) are looked at, which bounds a hostile line's cost.
const (
	maxValue = 256
	maxText  = 8 << 10
	maxTag   = 256 // APP-NAME is at most 48 bytes, MSGID 32; a device tag a little more
)

// actionSynonyms maps what the vendors write (lower-cased) to the contract's
// six words. Vendors write "Permit", "pass", "Reset & Logging", 拒绝 …
var actionSynonyms = map[string]string{
	"permit": "permit", "permitted": "permit", "pass": "permit", "allow": "permit",
	"allowed": "permit", "accept": "permit", "accepted": "permit", "policypermit": "permit",
	"允许": "permit", "通过": "permit", "放行": "permit", "允许通过": "permit",
	"deny": "deny", "denied": "deny", "reject": "deny", "rejected": "deny", "policydeny": "deny",
	"拒绝": "deny", "禁止": "deny",
	"drop": "drop", "dropped": "drop", "discard": "drop", "discarded": "drop", "丢弃": "drop",
	"reset": "reset", "rst": "reset", "重置": "reset",
	"alert": "alert", "alarm": "alert", "log": "alert", "logging": "alert", "logged": "alert",
	"告警": "alert", "记录": "alert", "被记录": "alert", "检测": "alert",
	"block": "block", "blocked": "block", "block-source": "block", "阻断": "block", "拦截": "block",
}

// severitySynonyms maps a vendor's severity word to the event vocabulary.
var severitySynonyms = map[string]string{
	"critical": "critical", "crit": "critical", "emergency": "critical", "严重": "critical",
	"紧急": "critical", "致命": "critical",
	"high": "major", "major": "major", "error": "major", "高": "major", "高危": "major",
	"medium": "warning", "middle": "warning", "warning": "warning", "中": "warning", "中危": "warning",
	"low": "info", "info": "info", "information": "info", "informational": "info",
	"低": "info", "低危": "info", "提示": "info", "信息": "info",
}

// protoNumbers names the IP protocols a firewall line gives by number.
var protoNumbers = map[string]string{
	"1": "icmp", "2": "igmp", "6": "tcp", "17": "udp", "47": "gre", "50": "esp",
	"51": "ah", "58": "icmpv6", "89": "ospf", "132": "sctp",
}

// normalAction turns a vendor's action word into the contract's, trying the
// profile's own table first, then the shared one, then the first word of a
// compound ("Reset & Logging", "logging,drop" takes the strongest part).
func normalAction(v string, own map[string]string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if a, ok := own[v]; ok {
		return a
	}
	if a, ok := actionSynonyms[v]; ok {
		return a
	}
	best := ""
	for part := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == '&' || r == ',' || r == ' ' || r == '+' }) {
		a := own[part]
		if a == "" {
			a = actionSynonyms[part]
		}
		if actionRank[a] > actionRank[best] {
			best = a // a deny/drop/reset/block beats the permit or logging that comes with it
		}
	}
	return best
}

// actionRank orders the words of a compound action: what was done to the
// traffic outranks that it was let through, which outranks that it was logged.
var actionRank = map[string]int{"alert": 1, "permit": 2, "deny": 3, "drop": 3, "reset": 3, "block": 3}

// normalSeverity maps a vendor severity word to the event vocabulary, or "".
func normalSeverity(v string) string {
	return severitySynonyms[strings.ToLower(strings.TrimSpace(v))]
}

// normalField validates and tidies one extracted value for a label; "" means
// drop it (an address that is no address, a port out of range, a placeholder
// user such as "(null)" or "**").
func normalField(label, v string, own map[string]string) string {
	v = strings.TrimSpace(v)
	switch label {
	case "src_ip", "dst_ip", "nat_src_ip", "nat_dst_ip":
		return normalIP(v)
	case "src_port", "dst_port", "nat_src_port", "nat_dst_port":
		return normalPort(v)
	case "proto":
		return normalProto(v)
	case "action":
		return normalAction(v, own)
	}
	v = strings.Trim(v, "\"'")
	switch v {
	case "", "-", "--", "-@-", "**", "*", "(null)", "null", "none", "N/A", "n/a", "unknown", "UNKNOWN",
		"VTY", "Console", "AUX", "vty", "console", "aux":
		return ""
	}
	return bound(v)
}

func normalIP(v string) string {
	v = strings.Trim(v, "[]")
	if len(v) > 64 {
		return ""
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return ""
	}
	return v
}

func normalPort(v string) string {
	if len(v) == 0 || len(v) > 5 {
		return ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 65535 || (len(v) > 1 && v[0] == '0') {
		return ""
	}
	return v
}

func normalProto(v string) string {
	if p, ok := protoNumbers[v]; ok {
		return p
	}
	if len(v) == 0 || len(v) > 16 {
		return ""
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return ""
		}
	}
	return strings.ToLower(v)
}

// bound makes v valid UTF-8 and at most maxValue bytes, cut at a rune start.
func bound(v string) string {
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	if len(v) <= maxValue {
		return v
	}
	cut := maxValue
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut]
}
