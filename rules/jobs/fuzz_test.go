package jobs

import (
	"testing"
	"time"
)

// Any body is a clear error or a run whose times are sane; never a panic.
func FuzzParseReport(f *testing.F) {
	for _, seed := range []string{
		`{"status":"success","started_at":"2026-12-07T02:00:03+08:00","finished_at":"2026-12-07T02:41:09+08:00","bytes":81604378624}`,
		`{"status":"failed","duration_seconds":60,"message":"disk full"}`,
		`{"status":"running","started_at":1796580003}`,
		`{"status":"success","started_at":"2026-12-07 02:00:00","duration_seconds":1e300}`,
		`{"status":"success","bytes":9.3e18}`, `[]`, `{"status":null}`, `{"message":"\ud800"}`,
	} {
		f.Add([]byte(seed))
	}
	now := at(2026, 12, 7, 3, 0)
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseReport(body, now)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error must say what is wrong")
			}
			return
		}
		switch r.Status {
		case StatusSuccess, StatusFailed, StatusRunning:
		default:
			t.Fatalf("status %q accepted", r.Status)
		}
		if r.Bytes < 0 || len([]rune(r.Message)) > maxMessageRunes+1 {
			t.Fatalf("bytes %d, message of %d runes", r.Bytes, len([]rune(r.Message)))
		}
		for _, ts := range []time.Time{r.StartedAt, r.FinishedAt} {
			if !ts.IsZero() && (ts.After(now.Add(clockSkew)) || ts.Before(now.Add(-Retention))) {
				t.Fatalf("time %v outside the accepted range", ts)
			}
		}
		if !r.FinishedAt.IsZero() && !r.StartedAt.IsZero() && r.FinishedAt.Before(r.StartedAt) {
			t.Fatal("finished before it started")
		}
		if (r.Status == StatusRunning) != r.FinishedAt.IsZero() {
			t.Fatalf("%s run with finish %v", r.Status, r.FinishedAt)
		}
	})
}

// Any schedule text is an error or a schedule whose slots advance.
func FuzzParseSchedule(f *testing.F) {
	for _, seed := range []string{"0 2 * * *", "*/15 8-18 * * 1-5", "@every 6h", "@daily", "0 0 29 2 *",
		"0 2 L * *", "5-1/0 * * * *", "@every -1h", "TZ=UTC 0 0 * * *", "0 0 31 2,4 *"} {
		f.Add(seed)
	}
	from := at(2026, 12, 7, 3, 0)
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseSchedule(text)
		if err != nil {
			return
		}
		if s.Period() < time.Minute {
			t.Fatalf("%q: period %s", text, s.Period())
		}
		prev := from
		for range 3 {
			next := s.Next(prev)
			if next.IsZero() {
				return // a rare date beyond robfig's five-year horizon
			}
			if !next.After(prev) || next.Sub(prev) < s.Period() && prev != from {
				t.Fatalf("%q: slot %v after %v is not a period (%s) later", text, next, prev, s.Period())
			}
			prev = next
		}
	})
}
