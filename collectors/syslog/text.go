package syslog

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// maxText is where the stored text is cut (docs/logs.md).
const maxText = 8 << 10

// maxLabelValue bounds a label taken from the line (app, a parser's field):
// the event store refuses values over 1 KiB.
const maxLabelValue = 256

// message is the stored text of a parsed line.
func (h *header) message() (s string, gb, invalid bool) {
	if h.msg != "" && utf8.ValidString(h.msg) {
		return cut(h.msg, maxText), false, false
	}
	if h.msg != "" {
		return cleanText([]byte(h.msg))
	}
	return cleanText(h.text)
}

// cleanText makes the message storable: UTF-8 as is; else, since Chinese
// devices often log in GBK, GB18030 when the bytes decode as that without
// a bad sequence; else the bad bytes replaced (invalid is then true). The
// result is cut at maxText on a character boundary.
func cleanText(b []byte) (s string, gb, invalid bool) {
	if utf8.Valid(b) {
		return string(cutBytes(b, maxText)), false, false
	}
	if d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b); err == nil && utf8.Valid(d) && !strings.ContainsRune(string(d), utf8.RuneError) {
		return cut(string(d), maxText), true, false
	}
	return cut(strings.ToValidUTF8(string(b), "\uFFFD"), maxText), false, true
}

// labelValue makes a header field a storable label value.
func labelValue(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return cut(s, maxLabelValue)
}

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cutBytes is cut for bytes, so that only what is kept is copied.
func cutBytes(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n]
}
