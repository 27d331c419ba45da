package logparse

import "strings"

// applyKV reads key<eq>value pairs; a full-width separator or sign counts as
// its ASCII form. Keys are compared without case and with
// their decoration removed: H3C's numeric ids ("SrcIPAddr(1003)"), a leading
// "-" ("-User=admin"), and whatever header runs into the first key
// ("…POLICYPERMIT(l):vsys", "…information. (Task").
func (p *profile) applyKV(text string, r *Record) {
	k := p.kv
	if k.after != "" {
		if i := strings.Index(text, k.after); i >= 0 {
			text = text[i+len(k.after):]
		}
	}
	for text != "" {
		piece := text
		if i, n := indexEither(text, k.sep, k.sepAlt); i >= 0 {
			piece, text = text[:i], text[i+n:]
		} else {
			text = ""
		}
		j, n := indexEither(piece, k.eq, k.eqAlt)
		if j <= 0 {
			continue
		}
		if label, ok := lookupKey(k.keys, cleanKey(piece[:j])); ok {
			p.put(r, label, cleanValue(piece[j+n:]))
		}
	}
}

// indexEither finds the first of a or (when set) alt, and its length.
func indexEither(s, a, alt string) (int, int) {
	i := strings.Index(s, a)
	if alt == "" {
		return i, len(a)
	}
	j := strings.Index(s, alt)
	if j >= 0 && (i < 0 || j < i) {
		return j, len(alt)
	}
	return i, len(a)
}

func cleanKey(key string) string {
	key = strings.TrimSpace(key)
	if strings.HasSuffix(key, ")") { // drop an "(1003)" id
		if i := strings.LastIndexByte(key, '('); i > 0 && allDigits(key[i+1:len(key)-1]) {
			key = key[:i]
		}
	}
	for i := len(key) - 1; i >= 0; i-- { // after the last ' ', '(' or ':'
		if c := key[i]; c == ' ' || c == '(' || c == ':' {
			key = key[i+1:]
			break
		}
	}
	return strings.TrimLeft(key, "-")
}

// cleanValue trims the punctuation a value picks up at the end of a line or
// of a parenthesised list: "eeeee." or "10.1.1.1)".
func cleanValue(v string) string {
	v = strings.TrimSpace(v)
	unclosed := strings.Count(v, ")") - strings.Count(v, "(")
	for v != "" {
		switch last := v[len(v)-1]; {
		case last == '.' || last == ';':
			v = v[:len(v)-1]
		case last == ')' && unclosed > 0:
			v, unclosed = v[:len(v)-1], unclosed-1
		default:
			return strings.TrimSpace(v)
		}
	}
	return v
}

// lookupKey finds a key ignoring ASCII case without allocating.
func lookupKey(keys map[string]string, key string) (string, bool) {
	if key == "" || len(key) > 64 {
		return "", false
	}
	var buf [64]byte
	n := copy(buf[:], key)
	for i := 0; i < n; i++ {
		if c := buf[i]; c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	l, ok := keys[string(buf[:n])]
	return l, ok
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
