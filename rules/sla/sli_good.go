package sla

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Cond is a parsed Good condition: the value compared with a threshold.
type Cond struct {
	Op        string // one of == != <= < >= >
	Threshold float64
}

// ops is ordered so that two-character operators match before their prefixes.
var ops = []string{"==", "!=", "<=", ">=", "<", ">"}

// maxCondLen bounds what ParseGood reads: a condition is a few characters.
const maxCondLen = 64

// ParseGood parses a condition such as "== 1", "<= 0.05" or "< 50e-3". The
// threshold must be a finite number: a NaN threshold would make every window
// bad (or good) by accident.
func ParseGood(s string) (Cond, error) {
	c, err := parseGood(s)
	if err != nil {
		invalid("good")
	}
	return c, err
}

func parseGood(s string) (Cond, error) {
	if len(s) > maxCondLen {
		return Cond{}, fmt.Errorf("good condition: longer than %d bytes", maxCondLen)
	}
	t := strings.TrimSpace(s)
	for _, op := range ops {
		if rest, ok := strings.CutPrefix(t, op); ok {
			return parseThreshold(op, strings.TrimSpace(rest), s)
		}
	}
	return Cond{}, fmt.Errorf("good condition %q: want an operator (== != <= < >= >) then a number", s)
}

func parseThreshold(op, num, orig string) (Cond, error) {
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || strings.ContainsAny(num, "_xXpP") {
		return Cond{}, fmt.Errorf("good condition %q: threshold %q is not a decimal number", orig, num)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Cond{}, fmt.Errorf("good condition %q: threshold must be finite", orig)
	}
	return Cond{Op: op, Threshold: v}, nil
}

// Holds reports whether v is good. NaN is never passed here: a NaN sample is
// no data (Account drops it), not a bad value.
func (c Cond) Holds(v float64) bool {
	switch c.Op {
	case "==":
		return v == c.Threshold
	case "!=":
		return v != c.Threshold
	case "<=":
		return v <= c.Threshold
	case "<":
		return v < c.Threshold
	case ">=":
		return v >= c.Threshold
	default:
		return v > c.Threshold
	}
}

// String renders the condition so that ParseGood reads it back unchanged.
func (c Cond) String() string {
	return c.Op + " " + strconv.FormatFloat(c.Threshold, 'g', -1, 64)
}
