package syslog

import "bytes"

// Bounds of the RFC 3164 reader: RFC 3164 allows a 32-character tag, vendors
// send longer ones (Huawei's "%%01SHELL/5/CMD(l)"), and a pid is a number.
const (
	maxTagLen  = 48
	maxPIDLen  = 32
	maxHostLen = 255
)

// parseBSD reads an RFC 3164 header after the PRI: a TIMESTAMP in any of the
// forms devices use, the HOSTNAME when a timestamp was there, and the TAG
// ("sshd[123]:", "su:", "%%01SHELL/5/CMD(l)[0]:"). Whatever does not fit is
// message: a line is never refused for its header.
func parseBSD(b []byte, h *header) {
	if n := stampLen(b); n > 0 {
		b = b[n:]
		if host, rest, ok := hostToken(b); ok {
			h.hostname, b = string(host), rest
		}
	}
	h.app, h.text = readTag(b)
}

// hostToken takes the next word as the hostname unless it is the tag (ends
// with ':' or has a '['), or the only word left (then it is the message).
func hostToken(b []byte) (host, rest []byte, ok bool) {
	i := bytes.IndexByte(b, ' ')
	if i <= 0 || i > maxHostLen {
		return nil, b, false
	}
	tok := b[:i]
	if tok[len(tok)-1] == ':' || bytes.IndexByte(tok, '[') >= 0 {
		return nil, b, false
	}
	return tok, b[i+1:], true
}

// readTag splits "TAG[PID]: text" or "TAG: text". A Huawei/H3C information
// center header ("%%01SHELL/5/CMD(l)[0]:") names the app by its module
// ("%%01SHELL") and stays in the text: its severity and mnemonic are what the
// parsers and an investigator read.
func readTag(b []byte) (app string, text []byte) {
	i := 0
	for i < len(b) && i < maxTagLen && b[i] > ' ' && b[i] != ':' && b[i] != '[' && b[i] != ']' {
		i++
	}
	if i == 0 || i >= len(b) {
		return "", b
	}
	end := i
	if b[i] == '[' {
		j := bytes.IndexByte(b[i:min(len(b), i+maxPIDLen+2)], ']')
		if j < 0 {
			return "", b
		}
		end = i + j + 1
	}
	if end >= len(b) || b[end] != ':' {
		return "", b
	}
	tag := b[:i]
	if bytes.HasPrefix(tag, []byte("%%")) {
		if k := bytes.IndexByte(tag, '/'); k > 0 {
			tag = tag[:k]
		}
		return string(tag), b
	}
	return string(tag), bytes.TrimPrefix(b[end+1:], []byte(" "))
}

// stampLen is the length of a leading timestamp and the space after it, or 0.
func stampLen(b []byte) int {
	if n := rfc3339Len(b); n > 0 {
		return n
	}
	return bsdStampLen(b)
}

// rfc3339Len accepts "2026-12-07T17:00:00[.frac](Z|±hh:mm)" loosely: the
// time is not ours to check (the event takes the receive time), only its end.
func rfc3339Len(b []byte) int {
	if len(b) < 20 || digits(b, 4) != 4 || b[4] != '-' || b[10] != 'T' {
		return 0
	}
	i := 11
	for i < len(b) && i < 40 && b[i] != ' ' {
		c := b[i]
		if !(c >= '0' && c <= '9' || c == ':' || c == '.' || c == '+' || c == '-' || c == 'Z') {
			return 0
		}
		i++
	}
	return spaceAfter(b, i)
}

// bsdStampLen accepts "Mmm dd hh:mm:ss" with the day padded by a space, a
// zero or not at all, second fractions ('.' or H3C's ':'), a year before
// the time (Huawei) or after it (H3C), and a numeric zone.
func bsdStampLen(b []byte) int {
	if len(b) < 8 || !isMonth(b[:3]) || b[3] != ' ' {
		return 0
	}
	i := 4
	if b[i] == ' ' {
		i++
	}
	d := digits(b[i:], 2)
	if d == 0 || i+d >= len(b) || b[i+d] != ' ' {
		return 0
	}
	i += d + 1
	yearFirst := digits(b[i:], 4) == 4 && i+4 < len(b) && b[i+4] == ' '
	if yearFirst { // Huawei: "Dec  7 2026 17:00:00"
		i += 5
	}
	c := clockLen(b[i:])
	if c == 0 {
		return 0
	}
	i += c
	if !yearFirst && i+5 <= len(b) && b[i] == ' ' && digits(b[i+1:], 4) == 4 && (i+5 == len(b) || b[i+5] == ' ') {
		i += 5 // H3C: "Dec  7 17:00:00 2026"
	}
	i += zoneLen(b[i:])
	return spaceAfter(b, i)
}

// clockLen accepts "hh:mm:ss" and a fraction after '.' or ':'.
func clockLen(b []byte) int {
	if len(b) < 8 || digits(b, 2) != 2 || b[2] != ':' || digits(b[3:], 2) != 2 || b[5] != ':' || digits(b[6:], 2) != 2 {
		return 0
	}
	i := 8
	if i+1 < len(b) && (b[i] == '.' || b[i] == ':') {
		if f := digits(b[i+1:], 9); f > 0 {
			i += 1 + f
		}
	}
	return i
}

// zoneLen accepts "Z", "+08:00" or "+0800" glued to the time.
func zoneLen(b []byte) int {
	if len(b) > 0 && b[0] == 'Z' {
		return 1
	}
	if len(b) < 5 || (b[0] != '+' && b[0] != '-') || digits(b[1:], 2) != 2 {
		return 0
	}
	if b[3] == ':' && digits(b[4:], 2) == 2 {
		return 6
	}
	if digits(b[3:], 2) == 2 {
		return 5
	}
	return 0
}

// spaceAfter returns i+1 when b[i] is a space, i at the end of b, else 0.
func spaceAfter(b []byte, i int) int {
	switch {
	case i == len(b):
		return i
	case b[i] == ' ':
		return i + 1
	}
	return 0
}

// digits counts the leading ASCII digits of b, up to n.
func digits(b []byte, n int) int {
	i := 0
	for i < len(b) && i < n && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func isMonth(b []byte) bool {
	switch string(b) {
	case "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec":
		return true
	}
	return false
}
