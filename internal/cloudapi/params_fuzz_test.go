package cloudapi

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseMonth: a month parses to a whole CST month of 28–31 days that
// prints back as given, or is refused with a Chinese message.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-11", "2026-02", "2026-13", "0000-01", "2026-1", "２０２６-11", "2026-11-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, end, e := parseMonth(s)
		if e != nil {
			checkRefusal(t, e)
			return
		}
		days := end.Sub(start).Hours() / 24
		if days < 28 || days > 31 || start.Format("2006-01") != s || start.Day() != 1 || start.Hour() != 0 {
			t.Fatalf("%q → [%v, %v)", s, start, end)
		}
	})
}

// FuzzParseDuration: positive, bounded by a quarter, or refused.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"7d", "24h", "1d12h", "90m", "2w", "0d", "94d", "9999999999d", "1y", "-1h", "1.5h", "h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		if err != nil {
			if len(err.Error()) > 512 || !utf8.ValidString(err.Error()) {
				t.Fatalf("error too long for %q: %v", s, err)
			}
			return
		}
		if d <= 0 || d > maxLookback {
			t.Fatalf("%q → %v", s, d)
		}
		if _, e := parseInstant("since", s, fixtureNow); e != nil {
			t.Fatalf("%q is a duration but not an instant: %v", s, e)
		}
	})
}

// FuzzPageToken: a token decodes only for its own query, to a key it was
// made of; anything else is refused, never a panic.
func FuzzPageToken(f *testing.F) {
	h := queryHash("instances", "", "")
	f.Add(encodeToken(h, "vm-a"), "vm-a")
	f.Add("eyJ2IjoxfQ", "")
	f.Add("!!!", "x")
	f.Add(strings.Repeat("A", 2000), "")
	f.Fuzz(func(t *testing.T, token, key string) {
		if k, e := decodeToken(token, h); e != nil {
			checkRefusal(t, e)
		} else if token != "" && k == "" {
			t.Fatalf("%q decoded to no key", token)
		}
		if key == "" || !utf8.ValidString(key) {
			return
		}
		tok := encodeToken(h, key)
		if len(tok) > maxTokenLen {
			return
		}
		if k, e := decodeToken(tok, h); e != nil || k != key {
			t.Fatalf("round trip of %q: %q %v", key, k, e)
		}
		if _, e := decodeToken(tok, queryHash("alerts")); e == nil {
			t.Fatalf("token of one query accepted by another")
		}
	})
}

// FuzzUsageParams: by, start and end either make a range of 5 minutes to
// 31 days with the step its length calls for, or are refused.
func FuzzUsageParams(f *testing.F) {
	f.Add("system", "2026-11-20T00:00:00+08:00", "2026-11-21T00:00:00+08:00")
	f.Add("instance", "7d", "")
	f.Add("dept", "", "1h")
	f.Add("host", "x", "y")
	f.Fuzz(func(t *testing.T, by, start, end string) {
		vals := map[string]string{"by": by, "start": start, "end": end}
		p, e := parseUsage(func(k string) string { return vals[k] }, fixtureNow)
		if e != nil {
			checkRefusal(t, e)
			return
		}
		d := p.end.Sub(p.start)
		if d < minRange || d > maxRange || (p.step != fineStep && p.step != coarseStep) {
			t.Fatalf("%q %q %q → %v %v", by, start, end, d, p.step)
		}
		if (d > fineUpTo) != (p.step == coarseStep) {
			t.Fatalf("step %v for %v", p.step, d)
		}
	})
}

func checkRefusal(t *testing.T, e *apiError) {
	t.Helper()
	if e.status != 400 || e.code != codeInvalid || !hasHan(e.message) || !utf8.ValidString(e.message) {
		t.Fatalf("refusal %+v", e)
	}
}
