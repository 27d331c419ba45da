package syslog

import (
	"bytes"

	"github.com/leodido/go-syslog/v4/rfc5424"
)

// parse5424 fills h from the machine; a header the grammar refuses keeps the
// line: the app is the APP-NAME field if the split finds one, the text what
// follows the header fields, else everything after the VERSION.
func (p *parser) parse5424(line, rest []byte, h *header) {
	msg, err := p.m5424.Parse(line)
	if m, ok := msg.(*rfc5424.SyslogMessage); ok && err == nil {
		h.hostname, h.app, h.msgid = deref(m.Hostname), deref(m.Appname), deref(m.MsgID)
		h.msg = deref(m.Message) // kept a string: no copy back and forth
		return
	}
	h.badHeader = true
	fields, text := split5424(rest[2:])
	if len(fields) == 5 {
		h.hostname, h.app, h.msgid = nilValue(fields[1]), nilValue(fields[2]), nilValue(fields[4])
	}
	h.text = text
}

// split5424 splits TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, skips the
// STRUCTURED-DATA and returns the rest as the message. It is the fallback
// for headers the grammar refuses, so it only needs to be safe, not strict.
func split5424(b []byte) (fields [][]byte, msg []byte) {
	all := b
	for range 5 {
		i := bytes.IndexByte(b, ' ')
		if i <= 0 {
			return nil, all
		}
		fields, b = append(fields, b[:i]), b[i+1:]
	}
	return fields, skipSD(b)
}

// skipSD skips "-" or one or more [id k="v"...] elements (quotes and
// backslash escapes honoured) and the space after them.
func skipSD(b []byte) []byte {
	if len(b) > 0 && b[0] == '-' {
		return bytes.TrimPrefix(b[1:], []byte(" "))
	}
	i := 0
	for i < len(b) && b[i] == '[' {
		inQuote := false
		for i++; i < len(b); i++ {
			c := b[i]
			if c == '\\' && inQuote {
				i++
			} else if c == '"' {
				inQuote = !inQuote
			} else if c == ']' && !inQuote {
				i++
				break
			}
		}
	}
	return bytes.TrimPrefix(b[min(i, len(b)):], []byte(" "))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// nilValue is "" for RFC 5424's NILVALUE "-".
func nilValue(b []byte) string {
	if len(b) == 1 && b[0] == '-' {
		return ""
	}
	return string(b)
}
