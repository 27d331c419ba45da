package sla

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// DayBounds returns [00:00, 24:00) CST of date ("2026-11-01").
func DayBounds(date string) (from, to time.Time, err error) {
	d, err := time.ParseInLocation(time.DateOnly, date, cst.Location)
	if err != nil {
		invalid("date")
		return time.Time{}, time.Time{}, fmt.Errorf("parse date %q: %w", date, err)
	}
	return d, nextDay(d), nil
}

// MonthBounds returns [00:00 CST on the 1st, 00:00 CST on the 1st of the next
// month) of month ("2026-11").
func MonthBounds(month string) (from, to time.Time, err error) {
	m, err := time.ParseInLocation("2006-01", month, cst.Location)
	if err != nil {
		invalid("month")
		return time.Time{}, time.Time{}, fmt.Errorf("parse month %q: %w", month, err)
	}
	return m, m.AddDate(0, 1, 0), nil
}

// MonthDays lists the CST dates of month, in order.
func MonthDays(month string) ([]string, error) {
	from, to, err := MonthBounds(month)
	if err != nil {
		return nil, err
	}
	var days []string
	for d := from; d.Before(to); d = nextDay(d) {
		days = append(days, d.Format(time.DateOnly))
	}
	return days, nil
}

// Percent4 renders ratio r as a percentage with four decimals, truncated
// toward zero: 0.999996 is "99.9999", never "100.0000". It works on the
// shortest decimal that reads back as r, so r*100 rounding in binary cannot
// push a figure across a digit.
func Percent4(r float64) string {
	s := strconv.FormatFloat(r, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	frac += "000000"
	digits := strings.TrimLeft(whole+frac[:2], "0")
	if digits == "" {
		digits = "0"
	}
	out := digits + "." + frac[2:6]
	if neg && strings.Trim(out, "0.") != "" {
		out = "-" + out
	}
	return out
}

// TallyPercent4 is the tally's ratio as Percent4, computed exactly from the
// whole seconds; ok is false when nothing was measured (no Good or Bad time).
func TallyPercent4(t Tally) (pct string, ok bool) {
	n := t.GoodS + t.BadS
	if n == 0 {
		return "", false
	}
	r := new(big.Rat).SetFrac(big.NewInt(t.GoodS), big.NewInt(n))
	r.Mul(r, big.NewRat(1_000_000, 1))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncation: both are non-negative
	whole, frac := new(big.Int).QuoRem(q, big.NewInt(10_000), new(big.Int))
	return fmt.Sprintf("%s.%04d", whole, frac.Int64()), true
}

// Met reports whether the tally meets target, on the unrounded ratio: a
// figure shown as 99.9000 % may still miss a 99.9 % target by a second.
func Met(t Tally, target float64) (met, ok bool) {
	if t.GoodS+t.BadS == 0 {
		return false, false
	}
	// Exact: good/(good+bad) >= target  ⇔  good >= target·(good+bad).
	lhs := new(big.Rat).SetInt64(t.GoodS)
	rhs := new(big.Rat).SetFloat64(target)
	if rhs == nil { // NaN or ±Inf: no target can be met
		return false, true
	}
	rhs.Mul(rhs, new(big.Rat).SetInt64(t.GoodS+t.BadS))
	return lhs.Cmp(rhs) >= 0, true
}
