package cloudapi

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Paging bounds: every list is paged, and no page is larger than maxPageSize.
const (
	defaultPageSize = 100
	maxPageSize     = 500
)

// parsePageSize reads page_size: 1 … maxPageSize, default defaultPageSize.
func parsePageSize(s string) (int, *apiError) {
	if s == "" {
		return defaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxPageSize {
		return 0, invalid("page_size 应为 1 到 %d 之间的整数，收到 %q", maxPageSize, clip(s))
	}
	return n, nil
}

// parseMonth reads month=YYYY-MM and returns the month's bounds in CST
// (Asia/Shanghai, UTC+8): [start, end).
func parseMonth(s string) (start, end time.Time, e *apiError) {
	t, err := time.ParseInLocation("2006-01", s, cst.Location)
	if err != nil || len(s) != 7 || t.Year() < 2000 || t.Year() > 2999 {
		return start, end, invalid("month 应为 YYYY-MM 格式的月份（如 2026-11），收到 %q", clip(s))
	}
	return t, t.AddDate(0, 1, 0), nil
}

// maxLookback bounds every range and duration the API accepts: a quarter.
const maxLookback = 93 * 24 * time.Hour

// parseDuration reads a duration as Prometheus writes them, in the units a
// person uses for a look-back: 90m, 24h, 7d, 2w (and combinations like 1d12h).
// It must be positive and at most maxLookback.
func parseDuration(s string) (time.Duration, error) {
	if s == "" || len(s) > 32 {
		return 0, fmt.Errorf("duration %q: want e.g. 30m, 24h or 7d", clip(s))
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 6 {
			return 0, fmt.Errorf("duration %q: want e.g. 30m, 24h or 7d", clip(s))
		}
		n, _ := strconv.Atoi(rest[:i])
		unit, ok := durationUnits[unitOf(rest[i:])]
		if !ok {
			return 0, fmt.Errorf("duration %q: units are s, m, h, d, w", clip(s))
		}
		total += time.Duration(n) * unit
		rest = rest[i+len(unitOf(rest[i:])):]
		if total > maxLookback {
			return 0, fmt.Errorf("duration %q is longer than %d days", clip(s), int(maxLookback.Hours()/24))
		}
	}
	if total <= 0 {
		return 0, fmt.Errorf("duration %q must be positive", clip(s))
	}
	return total, nil
}

var durationUnits = map[string]time.Duration{
	"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour, "w": 7 * 24 * time.Hour,
}

func unitOf(s string) string {
	if s == "" {
		return ""
	}
	return s[:1]
}

// parseInstant reads a time: RFC 3339 (2026-11-01T00:00:00+08:00), or a
// duration before now (24h, 7d: "since a day ago").
func parseInstant(name, s string, now time.Time) (time.Time, *apiError) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if t.Year() < 2000 || t.Year() > 2999 {
			return t, invalid("%s 超出范围：%q", name, clip(s))
		}
		return t, nil
	}
	d, err := parseDuration(s)
	if err != nil {
		return time.Time{}, invalid("%s 应为 RFC 3339 时间（如 2026-11-01T00:00:00+08:00）或距今的时长（如 24h、7d），收到 %q",
			name, clip(s))
	}
	return now.Add(-d), nil
}

// clip keeps an echoed bad value short and valid UTF-8: at most 32 runes.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= 32 {
		return s
	}
	return string([]rune(s)[:32]) + "…"
}

// round2 rounds to 0.01 (yuan to the fen, hours and ratios to what a table shows).
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// round4 rounds a ratio to 0.0001 (0.01 %).
func round4(x float64) float64 { return math.Round(x*10000) / 10000 }
