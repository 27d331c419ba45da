package logstore

import "bytes"

// folder finds a substring ignoring ASCII case: "deny" finds "Deny" and "DENY";
// other characters (Chinese has no case) compare exactly. It never copies the text:
// it jumps with bytes.IndexByte to each place where the needle's first byte
// occurs in either case and compares there, so a scan runs near memory speed and
// a hostile text costs at most its length times the needle's.
type folder struct {
	needle  []byte // ASCII lower case
	letters bool   // the needle has ASCII letters (else plain bytes.Contains)
}

func newFolder(s string) *folder {
	f := &folder{needle: []byte(s)}
	for i, c := range f.needle {
		if 'A' <= c && c <= 'Z' {
			f.needle[i] = c + 'a' - 'A'
		}
		if 'a' <= f.needle[i] && f.needle[i] <= 'z' {
			f.letters = true
		}
	}
	return f
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func (f *folder) contains(text []byte) bool {
	n := f.needle
	switch {
	case len(n) == 0:
		return true
	case !f.letters:
		return bytes.Contains(text, n)
	case len(n) > len(text):
		return false
	}
	lo, up := n[0], upperASCII(n[0])
	last := len(text) - len(n) // the last place a match can start
	nextLo, nextUp := -1, -1   // the next place of each case at or after i, or past last
	for i := 0; i <= last; i++ {
		if nextLo < i {
			nextLo = nextIndex(text, i, last, lo)
		}
		if nextUp < i {
			nextUp = nextIndex(text, i, last, up)
		}
		i = min(nextLo, nextUp)
		if i > last {
			return false
		}
		if equalFoldASCII(text[i+1:i+len(n)], n[1:]) {
			return true
		}
	}
	return false
}

// nextIndex is the first place of c in text[from:last+1], or last+1.
func nextIndex(text []byte, from, last int, c byte) int {
	if j := bytes.IndexByte(text[from:last+1], c); j >= 0 {
		return from + j
	}
	return last + 1
}

// equalFoldASCII compares a with the lower-case b, ignoring ASCII case.
func equalFoldASCII(a, b []byte) bool {
	for i := range b {
		if lowerASCII(a[i]) != b[i] {
			return false
		}
	}
	return true
}
