package sla

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Layouts of the ledger's keys: CST calendar dates and months.
const (
	DateLayout  = "2006-01-02"
	MonthLayout = "2006-01"
)

// secondsPerDay is the length of every CST day: Asia/Shanghai has no DST.
const secondsPerDay = 86400

// ErrBadDate is returned for a date or month that is not a CST calendar
// date (YYYY-MM-DD) or month (YYYY-MM).
var ErrBadDate = errors.New("not a calendar date")

// ParseDate returns 00:00 Asia/Shanghai of date (YYYY-MM-DD). Only the
// canonical spelling is accepted, so a date has exactly one key in the ledger.
func ParseDate(date string) (time.Time, error) {
	return parseCanonical(date, DateLayout)
}

// ParseMonth returns 00:00 Asia/Shanghai of the 1st of month (YYYY-MM).
func ParseMonth(month string) (time.Time, error) {
	return parseCanonical(month, MonthLayout)
}

func parseCanonical(s, layout string) (time.Time, error) {
	t, err := time.ParseInLocation(layout, s, cst.Location)
	if err != nil || t.Format(layout) != s || t.Year() < 1970 {
		return time.Time{}, fmt.Errorf("%w: %q, want %s", ErrBadDate, s, layout)
	}
	return t, nil
}

// DateOf is the CST date that contains t.
func DateOf(t time.Time) string { return t.In(cst.Location).Format(DateLayout) }

// MonthOf is the CST month (YYYY-MM) that contains t.
func MonthOf(t time.Time) string { return t.In(cst.Location).Format(MonthLayout) }

// monthOfDate is YYYY-MM of a canonical date.
func monthOfDate(date string) string { return date[:len(MonthLayout)] }

// datesOfMonth lists every date of the month starting at start.
func datesOfMonth(start time.Time) []string {
	var dates []string
	for d := start; d.Month() == start.Month(); d = d.AddDate(0, 0, 1) {
		dates = append(dates, d.Format(DateLayout))
	}
	return dates
}

// nextDate is the CST date after date (canonical).
func nextDate(date string) string {
	t, _ := ParseDate(date)
	return t.AddDate(0, 0, 1).Format(DateLayout)
}

// addDays shifts a canonical date by n days.
func addDays(date string, n int) string {
	t, _ := ParseDate(date)
	return t.AddDate(0, 0, n).Format(DateLayout)
}
