package syslog

import (
	"bytes"
	"strings"

	gosyslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/rfc5424"
)

// Why two parsers. RFC 5424 is a strict grammar, and go-syslog's rfc5424
// machine (Ragel, fuzzed upstream) parses it exactly, structured data included;
// a header it refuses is kept with its raw text (bad_header). RFC 3164 only
// describes what BSD daemons sent: "anything after the PRI is valid", and the
// devices of the city vary it (Huawei "Dec  7 2026 17:00:00 HOST %%01SHELL/5/
// CMD(l)[0]:…", H3C "Dec  7 17:00:00 2026 HOST %%10…", "Dec 7" unpadded, RFC 3339
// stamps from rsyslog). go-syslog's rfc3164 machine, even in best-effort mode,
// returns nothing for the first and the unpadded day, takes the year for the
// hostname in the second, and cuts Huawei's tag inside its brackets (message
// "0]:Task=…") — a receiver must never lose or mangle a line, so 3164 headers
// are read by the small lenient reader in bsd.go; its agreement with the
// machine on the lines the machine does parse cleanly is a test
// (TestBSDAgreesWithGoSyslog).

// header is what a line's header says; text is the message without it.
type header struct {
	facility, severity int
	hostname, app      string
	msgid              string
	text               []byte // the message, from the line (RFC 3164, or a refused RFC 5424 header)
	msg                string // the message as go-syslog returned it (RFC 5424)
	badHeader          bool
}

// parser parses lines; it holds the 5424 machine, which is not safe for
// concurrent use, so each receive goroutine has its own.
type parser struct{ m5424 gosyslog.Machine }

// parsePRI reads "<PRI>" at the start of b: 1 to 3 digits, no leading zero
// but for "<0>", at most 191. reason is "" or a rejected_total reason.
func parsePRI(b []byte) (pri int, rest []byte, reason string) {
	if len(b) == 0 || b[0] != '<' {
		return 0, nil, rejNoPriority
	}
	i := 1
	for ; i < len(b) && i <= 4 && b[i] >= '0' && b[i] <= '9'; i++ {
		pri = pri*10 + int(b[i]-'0')
	}
	digits := i - 1
	if digits == 0 || digits > 3 || i >= len(b) || b[i] != '>' || pri > 191 || (digits > 1 && b[1] == '0') {
		return 0, nil, rejBadPriority
	}
	return pri, b[i+1:], ""
}

// parse reads one line (without framing or trailing newline). ok is false
// with a reason when the line is refused.
func (p *parser) parse(line []byte) (h header, reason string) {
	pri, rest, reason := parsePRI(line)
	if reason != "" {
		return h, reason
	}
	h.facility, h.severity = pri/8, pri%8
	if is5424(rest) {
		p.parse5424(line, rest, &h)
	} else {
		parseBSD(rest, &h)
	}
	h.text = bytes.TrimPrefix(h.text, bom)
	h.msg = strings.TrimPrefix(h.msg, string(bom))
	return h, ""
}

var bom = []byte("\xef\xbb\xbf")

// is5424 tells an RFC 5424 line by its VERSION "1" and a space after the PRI.
func is5424(rest []byte) bool {
	return len(rest) >= 2 && rest[0] == '1' && rest[1] == ' '
}

func newParser() *parser {
	return &parser{m5424: rfc5424.NewMachine()}
}
