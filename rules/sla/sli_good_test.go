package sla

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseGood(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Cond
		err  bool
	}{
		{in: "== 1", want: Cond{"==", 1}},
		{in: "<= 0.05", want: Cond{"<=", 0.05}},
		{in: "< 50e-3", want: Cond{"<", 0.05}},
		{in: "  >=-2 ", want: Cond{">=", -2}},
		{in: "!= 0", want: Cond{"!=", 0}},
		{in: "> 1e-7", want: Cond{">", 1e-7}},
		{in: "", err: true},
		{in: "= 1", err: true},
		{in: "<=", err: true},
		{in: "<= NaN", err: true},
		{in: "<= +Inf", err: true},
		{in: "<= 1e400", err: true},
		{in: "<= 0x1p-2", err: true},
		{in: "<= 1_000", err: true},
		{in: "<= 1 2", err: true},
		{in: "<= " + string(make([]byte, 100)), err: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseGood(tc.in)
			if tc.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCondHolds(t *testing.T) {
	for _, tc := range []struct {
		cond string
		good []float64
		bad  []float64
	}{
		{"== 1", []float64{1}, []float64{0, 0.999, 2}},
		{"<= 0.05", []float64{0, 0.05, -1}, []float64{0.0500001, 1}},
		{"< 0.05", []float64{0.049}, []float64{0.05}},
		{">= 0.9", []float64{0.9, 1}, []float64{0.89}},
		{"> 0", []float64{1e-9}, []float64{0}},
		{"!= 0", []float64{1, -1}, []float64{0}},
	} {
		t.Run(tc.cond, func(t *testing.T) {
			c, err := ParseGood(tc.cond)
			require.NoError(t, err)
			for _, v := range tc.good {
				assert.True(t, c.Holds(v), "%v", v)
			}
			for _, v := range tc.bad {
				assert.False(t, c.Holds(v), "%v", v)
			}
		})
	}
}

// FuzzParseGood: whatever the input, ParseGood returns a condition that
// round-trips through String, with a known operator and a finite threshold,
// or an error; it never panics.
func FuzzParseGood(f *testing.F) {
	for _, s := range []string{"== 1", "<= 0.05", "< 50e-3", ">=1", "!= -0", "<=NaN", "> 1e308", "<=\t7", "=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseGood(s)
		if err != nil {
			return
		}
		require.True(t, slices.Contains(ops, c.Op), "op %q", c.Op)
		require.False(t, math.IsNaN(c.Threshold) || math.IsInf(c.Threshold, 0))
		back, err := ParseGood(c.String())
		require.NoError(t, err)
		require.Equal(t, c, back)
	})
}

func TestDefaultSLIsValid(t *testing.T) {
	names := map[string]bool{}
	for _, s := range DefaultSLIs() {
		t.Run(s.Name, func(t *testing.T) {
			require.NoError(t, s.Validate())
			assert.NotEmpty(t, s.Title)
			assert.Regexp(t, `^R-[ABC]\d+$`, s.Requirement)
			assert.False(t, names[s.Name], "duplicate")
			names[s.Name] = true
		})
	}
}

func TestSLIValidateRejects(t *testing.T) {
	ok := DefaultSLIs()[0]
	for _, tc := range []struct {
		name string
		edit func(*SLI)
	}{
		{"no name", func(s *SLI) { s.Name = "" }},
		{"no entity label", func(s *SLI) { s.EntityLabel = "" }},
		{"window does not divide a day", func(s *SLI) { s.Window = 7 * time.Minute }},
		{"target above 1", func(s *SLI) { s.Target = 1.5 }},
		{"target NaN", func(s *SLI) { s.Target = math.NaN() }},
		{"bad good", func(s *SLI) { s.Good = "~ 1" }},
		{"query not a selector", func(s *SLI) { s.Query = `avg(up)` }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ok
			tc.edit(&s)
			require.Error(t, s.Validate())
		})
	}
}
