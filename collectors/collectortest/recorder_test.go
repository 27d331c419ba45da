package collectortest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/swanwatch/swanwatch/collectors"
)

func TestRecorderFindsContractViolations(t *testing.T) {
	tgt := collectors.Target{Kind: "k", Name: "n", Labels: map[string]string{"district": "湖滨区"}}
	cases := []struct {
		name    string
		metric  string
		labels  []string
		problem string // empty: accepted
	}{
		{"good", "if_in_octets_total", []string{"ifname", "GE0/0/1"}, ""},
		{"empty value dropped from key", "m", []string{"a", ""}, ""},
		{"bad metric", "if-in", nil, "invalid or reserved metric name"},
		{"runner metric", "up", nil, "invalid or reserved metric name"},
		{"odd labels", "m", []string{"a"}, "odd number of label arguments"},
		{"reserved label", "m", []string{"instance", "x"}, `invalid or reserved label name "instance"`},
		{"dunder label", "m", []string{"__x", "x"}, `invalid or reserved label name "__x"`},
		{"target clash", "m", []string{"district", "x"}, `label "district" clashes with a target label`},
		{"repeated", "m", []string{"a", "1", "a", "2"}, `label "a" given twice`},
		{"not utf-8", "m", []string{"a", "\xfe"}, `label "a" value is not UTF-8`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRecorder(tgt)
			r.Emit(tc.metric, 1, tc.labels...)
			if tc.problem == "" {
				assert.Empty(t, r.Problems())
				assert.Len(t, r.Series(), 1)
				return
			}
			assert.Len(t, r.Problems(), 1)
			assert.Contains(t, r.Problems()[0], tc.problem)
			assert.Empty(t, r.Series())
		})
	}
}

func TestRecorderDuplicateAndLateEmit(t *testing.T) {
	r := NewRecorder(collectors.Target{Kind: "k", Name: "n"})
	r.Emit("m", 1, "a", "1", "b", "2")
	r.Emit("m", 2, "b", "2", "a", "1")
	r.Close()
	r.Emit("m", 3)
	assert.Equal(t, []string{`m{a="1",b="2"}`}, r.Series())
	v, _ := r.Value(`m{a="1",b="2"}`)
	assert.Equal(t, 1.0, v)
	p := r.Problems()
	assert.Len(t, p, 2)
	assert.Contains(t, p[0], "series emitted twice in one round")
	assert.Contains(t, p[1], "after Collect returned")
}
