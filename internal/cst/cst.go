// Package cst formats times and durations the way operators and the bureau read
// them: Asia/Shanghai wall-clock time (China Standard Time, UTC+8, no daylight
// saving) and durations such as "3小时12分" (glossary.md), and runs the jobs
// that happen once a CST day (Daily).
package cst

import (
	"fmt"
	"time"
)

// Location is Asia/Shanghai. A fixed zone is exact for China (no DST since 1991)
// and needs no tzdata on the machine.
var Location = time.FixedZone("CST", 8*60*60)

// Layout is the glossary's timestamp format.
const Layout = "2006-01-02 15:04:05"

// FormatTime renders t as "2026-11-27 14:05:09" in Asia/Shanghai; the zero time is "—".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(Location).Format(Layout)
}

// FormatDuration renders d in Chinese units, at most two of them:
// "45秒", "12分30秒", "3小时12分", "2天5小时".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	days, s := s/86400, s%86400
	hours, s := s/3600, s%3600
	mins, secs := s/60, s%60
	switch {
	case days > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d小时%d分", hours, mins)
	case mins > 0:
		return fmt.Sprintf("%d分%d秒", mins, secs)
	default:
		return fmt.Sprintf("%d秒", secs)
	}
}

// FormatDurationMinutes is FormatDuration down to the minute for durations
// of a day or more ("30天20小时5分"): the report's tables, where "30天20小时"
// would stand for anything up to 59 minutes more.
func FormatDurationMinutes(d time.Duration) string {
	if d < 24*time.Hour {
		return FormatDuration(d)
	}
	s := int64(d / time.Second)
	return fmt.Sprintf("%d天%d小时%d分", s/86400, s%86400/3600, s%3600/60)
}

// StartOfDay returns 00:00 Asia/Shanghai of the day that contains t.
func StartOfDay(t time.Time) time.Time {
	y, m, d := t.In(Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Location)
}
