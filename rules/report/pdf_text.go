package report

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// No single freely shippable TrueType font covers both Chinese and Latin
// well enough for fpdf (Droid Sans Fallback shows Latin letters and digits
// as empty boxes there; Noto CJK is CFF, which fpdf cannot embed). So text is
// split into runs, each drawn in the font that has its glyphs: Droid Sans
// Fallback for CJK, DejaVu Sans for everything else.

// run is a stretch of text drawn in one font.
type run struct {
	text string
	cjk  bool
}

// isCJK reports the runes Droid Sans Fallback draws: Han, kana, CJK
// punctuation, full-width forms.
func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		(r >= 0x2E80 && r <= 0x30FF) || // radicals, CJK symbols and punctuation, kana
		(r >= 0x3100 && r <= 0x9FFF) ||
		(r >= 0xF900 && r <= 0xFAFF) ||
		(r >= 0xFE30 && r <= 0xFE4F) || // CJK compatibility forms
		(r >= 0xFF00 && r <= 0xFFEF) // full-width forms: （），：
}

// splitRuns cuts s into maximal runs of CJK and non-CJK text.
func splitRuns(s string) []run {
	var out []run
	start := 0
	for i, r := range s {
		c := isCJK(r)
		if i > start && c != out[len(out)-1].cjk {
			start = i
		}
		if i == start {
			out = append(out, run{cjk: c})
		}
		out[len(out)-1].text = s[start : i+utf8.RuneLen(r)]
	}
	return out
}

// tokens cuts s into the pieces a line may break between: each CJK rune,
// each Latin word, each run of spaces.
func tokens(s string) []string {
	var out []string
	cur := strings.Builder{}
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	prevSpace := false
	for _, r := range s {
		switch {
		case isCJK(r):
			flush()
			out = append(out, string(r))
		case unicode.IsSpace(r) != prevSpace:
			flush()
			cur.WriteRune(r)
		default:
			cur.WriteRune(r)
		}
		prevSpace = unicode.IsSpace(r) && !isCJK(r)
	}
	flush()
	return out
}

// wrap breaks s into lines no wider than width as measured, breaking at
// spaces and between CJK characters, and inside a word only when the word
// alone is too wide. Newlines in s always break. Spaces at a line break go.
func wrap(s string, width float64, measure func(string) float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, wrapLine(para, width, measure)...)
	}
	return lines
}

func wrapLine(s string, width float64, measure func(string) float64) []string {
	var lines []string
	line := ""
	for _, tok := range tokens(s) {
		if strings.TrimSpace(tok) == "" && line == "" {
			continue
		}
		if measure(line+tok) <= width {
			line += tok
			continue
		}
		if line != "" {
			lines = append(lines, strings.TrimRight(line, " \t"))
			line = ""
		}
		if strings.TrimSpace(tok) == "" {
			continue
		}
		for measure(tok) > width && utf8.RuneCountInString(tok) > 1 {
			head := fitPrefix(tok, width, measure)
			lines = append(lines, head)
			tok = tok[len(head):]
		}
		line = tok
	}
	return append(lines, strings.TrimRight(line, " \t"))
}

// fitPrefix is the longest proper prefix of tok that fits, at least one rune.
func fitPrefix(tok string, width float64, measure func(string) float64) string {
	_, end := utf8.DecodeRuneInString(tok)
	for i := range tok {
		if i <= end {
			continue
		}
		if measure(tok[:i]) > width {
			break
		}
		end = i
	}
	return tok[:end]
}
