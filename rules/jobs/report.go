package jobs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Statuses of a run.
const (
	StatusSuccess = "success"
	StatusFailed  = "failed"
	StatusRunning = "running"
)

// Bounds of a reported run.
const (
	// MaxBodyBytes bounds a push body and a polled answer: a run is a few
	// hundred bytes.
	MaxBodyBytes = 16 << 10
	// maxMessageRunes is what is kept of the message (a tool may send its log).
	maxMessageRunes = 500
	// clockSkew is how far in the future a reported time may be.
	clockSkew = 5 * time.Minute
	// Retention is how long runs are kept, and how old a reported run may be.
	Retention = 400 * 24 * time.Hour
)

// Report is one run as a job reports it. A zero StartedAt means the job did
// not say when it started: its result closes its latest running run.
type Report struct {
	Status     string
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	Bytes      int64
	Message    string
}

// reportJSON is the wire form; times are RFC 3339 strings, "2006-01-02
// 15:04:05" in Asia/Shanghai, or unix seconds.
type reportJSON struct {
	Status          string          `json:"status"`
	StartedAt       json.RawMessage `json:"started_at"`
	FinishedAt      json.RawMessage `json:"finished_at"`
	DurationSeconds *float64        `json:"duration_seconds"`
	Bytes           *float64        `json:"bytes"`
	Message         string          `json:"message"`
}

// ParseReport reads a push body (or a polled answer) received at now:
//
//   - status: success, failed or running (required);
//   - started_at: when the run started; for a result it may be left out when
//     duration_seconds is given (finished minus duration), or when the job
//     pushed running at its start (that run is closed);
//   - finished_at or duration_seconds (not both), for success and failed;
//     neither means it finished now; running carries neither;
//   - bytes: what the run wrote (a backup's size), ≥ 0;
//   - message: free text, kept to 500 characters.
//
// Times are whole seconds, not after now+5m, not older than Retention.
func ParseReport(body []byte, now time.Time) (Report, error) {
	var in reportJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&in); err != nil {
		return Report{}, fmt.Errorf("body is not a JSON run object: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Report{}, errors.New("body has data after the JSON object")
	}
	return in.report(now.Truncate(time.Second))
}

func (in reportJSON) report(now time.Time) (Report, error) {
	r := Report{Status: strings.ToLower(strings.TrimSpace(in.Status)), Message: cleanMessage(in.Message)}
	switch r.Status {
	case StatusSuccess, StatusFailed, StatusRunning:
	case "":
		return Report{}, errors.New("status is required: success, failed or running")
	default:
		return Report{}, fmt.Errorf("status %q must be success, failed or running", clip(r.Status, 20))
	}
	started, err := parseTime("started_at", in.StartedAt)
	if err != nil {
		return Report{}, err
	}
	finished, err := parseTime("finished_at", in.FinishedAt)
	if err != nil {
		return Report{}, err
	}
	if r.Bytes, err = parseBytes(in.Bytes); err != nil {
		return Report{}, err
	}
	if r.Status == StatusRunning {
		if !finished.IsZero() || in.DurationSeconds != nil {
			return Report{}, errors.New("a running run has no finished_at or duration_seconds")
		}
		r.StartedAt = cmpOr(started, now)
		return r, checkTimes(r, now)
	}
	if r.StartedAt, r.FinishedAt, err = span(started, finished, in.DurationSeconds, now); err != nil {
		return Report{}, err
	}
	return r, checkTimes(r, now)
}

// span works out a result's start and end from what was given.
func span(started, finished time.Time, seconds *float64, now time.Time) (time.Time, time.Time, error) {
	if seconds == nil {
		return started, cmpOr(finished, now), nil
	}
	if !finished.IsZero() {
		return time.Time{}, time.Time{}, errors.New("give finished_at or duration_seconds, not both")
	}
	d := *seconds
	if math.IsNaN(d) || d < 0 || d > Retention.Seconds() {
		return time.Time{}, time.Time{}, fmt.Errorf("duration_seconds %g must be between 0 and %d days", d, int(Retention.Hours()/24))
	}
	dur := time.Duration(math.Round(d)) * time.Second
	if started.IsZero() {
		return now.Add(-dur), now, nil
	}
	return started, started.Add(dur), nil
}

func checkTimes(r Report, now time.Time) error {
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"started_at", r.StartedAt}, {"finished_at", r.FinishedAt}} {
		switch {
		case t.at.IsZero():
		case t.at.After(now.Add(clockSkew)):
			return fmt.Errorf("%s %s is in the future: check the job's clock", t.name, cst.FormatTime(t.at))
		case t.at.Before(now.Add(-Retention)):
			return fmt.Errorf("%s %s is older than %d days", t.name, cst.FormatTime(t.at), int(Retention.Hours()/24))
		}
	}
	if !r.StartedAt.IsZero() && !r.FinishedAt.IsZero() && r.FinishedAt.Before(r.StartedAt) {
		return errors.New("finished_at is before started_at")
	}
	return nil
}

// parseTime reads an RFC 3339 string, "2006-01-02 15:04:05" (Asia/Shanghai)
// or unix seconds; absent or null is the zero time.
func parseTime(name string, raw json.RawMessage) (time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t, err = time.ParseInLocation(cst.Layout, s, cst.Location)
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("%s %q: want RFC 3339 (2026-12-07T02:00:00+08:00) or unix seconds", name, clip(s, 40))
		}
		return t.Truncate(time.Second), nil
	}
	var sec float64
	if err := json.Unmarshal(raw, &sec); err != nil {
		return time.Time{}, fmt.Errorf("%s must be a time string or unix seconds", name)
	}
	switch {
	case sec > 4102444800: // 2100-01-01: milliseconds by mistake
		return time.Time{}, fmt.Errorf("%s %.0f is not unix seconds (milliseconds?)", name, sec)
	case sec < 946684800: // 2000-01-01
		return time.Time{}, fmt.Errorf("%s %.0f is before 2000: not unix seconds", name, sec)
	}
	return time.Unix(int64(sec), 0), nil
}

func parseBytes(v *float64) (int64, error) {
	if v == nil {
		return 0, nil
	}
	if b := *v; b < 0 || b > math.MaxInt64/2 || b != math.Trunc(b) {
		return 0, fmt.Errorf("bytes %g must be a whole number ≥ 0", b)
	}
	return int64(*v), nil
}

// cleanMessage keeps the message printable and short: it ends up in an
// operator's notification.
func cleanMessage(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return clip(strings.TrimSpace(s), maxMessageRunes)
}

// clip cuts s to n runes, marking the cut.
func clip(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

func cmpOr(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}
