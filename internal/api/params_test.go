package api

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{"1800000000", time.Unix(1_800_000_000, 0).UTC(), ""},
		{"1800000000.123", time.Unix(1_800_000_000, 123_000_000).UTC(), ""},
		{"1800000000.1239", time.Unix(1_800_000_000, 124_000_000).UTC(), ""},
		{"-1", time.Unix(-1, 0).UTC(), ""},
		{"2026-11-27T14:05:09+08:00", time.Date(2026, 11, 27, 6, 5, 9, 0, time.UTC), ""},
		{"2026-11-27T06:05:09.5Z", time.Date(2026, 11, 27, 6, 5, 9, 500_000_000, time.UTC), ""},
		{minTimeFormatted, minTime, ""},
		{maxTimeFormatted, maxTime, ""},
		{"NaN", time.Time{}, "out of range"},
		{"+Inf", time.Time{}, "out of range"},
		{"1e300", time.Time{}, "out of range"},
		{"2026-11-27 14:05:09", time.Time{}, "cannot parse"},
		{"", time.Time{}, "cannot parse"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseTime(tt.in)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "want %s got %s", tt.want, got)
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"15", 15 * time.Second, false},
		{"0.5", 500 * time.Millisecond, false},
		{"1m30s", 90 * time.Second, false},
		{"2h", 2 * time.Hour, false},
		{"1d", 24 * time.Hour, false},
		{"1e100", 0, true},
		{"NaN", 0, true},
		{"5 minutes", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDuration(tt.in)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseRangeStepLimit(t *testing.T) {
	tests := []struct {
		name, start, end, step string
		ok                     bool
	}{
		{"exactly 11000 steps", "0", "11000", "1", true},
		{"one step too many", "0", "11001", "1", false},
		{"a year at 1h", "0", "31536000", "1h", true},
		{"a year at 1m", "0", "31536000", "1m", false},
		{"duration step", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "5m", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"start": {tt.start}, "end": {tt.end}, "step": {tt.step}}
			r := httptest.NewRequest("GET", "/api/v1/query_range?"+form.Encode(), nil)
			_, aerr := parseRange(r)
			if tt.ok {
				assert.Nil(t, aerr)
				return
			}
			require.NotNil(t, aerr)
			assert.Equal(t, errBadData, aerr.typ)
		})
	}
}

func TestParseMatchers(t *testing.T) {
	p := parser.NewParser(parser.Options{})
	tests := []struct {
		in      []string
		ok      bool
		wantErr string
	}{
		{[]string{`up`}, true, ""},
		{[]string{`{district="灵宝市"}`, `up{kind=~"agent|snmp"}`}, true, ""},
		{[]string{`{district=""}`}, false, "non-empty matcher"},
		{[]string{`{__name__=~".*"}`}, false, "non-empty matcher"},
		{[]string{`up{`}, false, "parse error"},
		{[]string{`sum(up)`}, false, "parse error"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.in, ","), func(t *testing.T) {
			_, err := parseMatchers(p, tt.in)
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// FuzzParams feeds arbitrary text to every parameter parser: none may panic,
// and whatever parses must be inside the range the API promises.
func FuzzParams(f *testing.F) {
	for _, s := range []string{"1800000000.5", "2026-11-27T06:05:09Z", "1m30s", "NaN", "-1e19",
		`up{district="灵宝市"}`, `{__name__=~".*"}`, minTimeFormatted, "0x1p62", "5m", "-5"} {
		f.Add(s)
	}
	p := parser.NewParser(parser.Options{})
	f.Fuzz(func(t *testing.T, s string) {
		if ts, err := parseTime(s); err == nil {
			if ts.Before(minTime) || ts.After(maxTime) {
				t.Fatalf("parseTime(%q) = %s outside [minTime, maxTime]", s, ts)
			}
		}
		if d, err := parseDuration(s); err == nil {
			if x, ferr := strconv.ParseFloat(s, 64); ferr == nil && d != 0 && (x > 0) != (d > 0) {
				t.Fatalf("parseDuration(%q) = %d wrapped around", s, d)
			}
		}
		if n, err := parseLimit(s); err == nil && n < 0 {
			t.Fatalf("parseLimit(%q) = %d", s, n)
		}
		sets, err := parseMatchers(p, []string{s})
		if err == nil {
			for _, set := range sets {
				if !selective(set) {
					t.Fatalf("parseMatchers(%q) accepted a selector matching everything", s)
				}
			}
		}
	})
}
