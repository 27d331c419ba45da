package device

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// rawValue is one value as the device gave it: a number, or text.
type rawValue struct {
	num   float64
	text  string
	isNum bool
}

func numRaw(f float64) rawValue { return rawValue{num: f, isNum: true} }
func textRaw(s string) rawValue { return rawValue{text: s} }

// String renders the value as a map key and {{raw}}: numbers in the shortest
// decimal form (8, 2.5), text as is.
func (r rawValue) String() string {
	if r.isNum {
		return strconv.FormatFloat(r.num, 'f', -1, 64)
	}
	return r.text
}

// value turns a raw value into the metric's number: the constant, else the
// map (with its default), else the parsed number times scale.
func (m *Metric) value(r rawValue) (float64, error) {
	if m.Value != nil {
		return *m.Value, nil
	}
	if len(m.Map) > 0 {
		key := strings.TrimSpace(r.String())
		if v, ok := m.Map[key]; ok {
			return v, nil
		}
		if m.Default != nil {
			return *m.Default, nil
		}
		return 0, fmt.Errorf("%w: value %q has no entry in the map", ErrBadAnswer, clip(key))
	}
	v, err := parseNumber(r, m.Parse)
	if err != nil {
		return 0, err
	}
	return v * m.Scale, nil
}

// parseNumber reads a raw value as number, leading_number or bool.
func parseNumber(r rawValue, how string) (float64, error) {
	if r.isNum {
		if math.IsNaN(r.num) || math.IsInf(r.num, 0) {
			return 0, fmt.Errorf("%w: value is not a finite number", ErrBadAnswer)
		}
		return r.num, nil
	}
	s := strings.TrimSpace(r.text)
	switch how {
	case "bool":
		switch strings.ToLower(s) {
		case "true", "on", "yes", "1", "open", "normal":
			return 1, nil
		case "false", "off", "no", "0", "close", "closed":
			return 0, nil
		}
	case "leading_number":
		if v, ok := leadingNumber(s); ok {
			return v, nil
		}
	default:
		if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, nil
		}
	}
	return 0, fmt.Errorf("%w: value %q is not a %s", ErrBadAnswer, clip(s), strings.ReplaceAll(how, "_", " "))
}

// leadingNumber reads the number a text starts with: "55.0℃" → 55, "4.52V"
// → 4.52, "-3 dBm" → -3.
func leadingNumber(s string) (float64, bool) {
	end := 0
	for i, c := range s {
		if unicode.IsDigit(c) || c == '.' || (i == 0 && (c == '-' || c == '+')) {
			end = i + 1
			continue
		}
		break
	}
	v, err := strconv.ParseFloat(s[:end], 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// clip shortens a device's text for an error message.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
