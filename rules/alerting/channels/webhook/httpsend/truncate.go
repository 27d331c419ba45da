package httpsend

import "unicode/utf8"

// ellipsis marks a cut message, so a reader knows there was more.
const ellipsis = "…"

// Truncate returns s if it fits in max bytes, else its longest prefix that
// ends on a rune boundary and, with the ellipsis, fits in max bytes. Robot APIs
// count bytes, not characters, and reject a message cut inside a rune.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	if max < len(ellipsis) {
		return cut(s, max)
	}
	return cut(s, max-len(ellipsis)) + ellipsis
}

// cut returns the longest prefix of s of at most n bytes that ends on a
// rune boundary.
func cut(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
