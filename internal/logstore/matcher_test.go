package logstore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The language itself is tested in internal/labelmatch; these cover what the log
// store adds: the matcher cap and matching against an event's sorted labels.

func TestParseMatchersCap(t *testing.T) {
	_, err := ParseMatchers("{" + strings.Repeat(`a="b",`, maxMatchers) + "}")
	require.NoError(t, err)
	_, err = ParseMatchers("{" + strings.Repeat(`a="b",`, maxMatchers+1) + "}")
	assert.ErrorContains(t, err, "more than 32 matchers")
	_, err = ParseMatchers(`{a=~"("}`)
	assert.ErrorContains(t, err, "selector: ")
}

func TestMatchLabels(t *testing.T) {
	ls := []labelPair{{"district", "义马市"}, {"kind", "agent"}, {"text", "端口\n中断"}}
	for _, tc := range []struct {
		sel  string
		want bool
	}{
		{`{}`, true},
		{`{kind="agent"}`, true},
		{`{kind="agent",district!="义马市"}`, false}, // a conjunction
		{`{missing=""}`, true},                    // a missing label is the empty value
		{`{missing=~".+"}`, false},
		{`{text=~"端口.*"}`, true}, // (?s) as in Prometheus
	} {
		t.Run(tc.sel, func(t *testing.T) {
			ms, err := ParseMatchers(tc.sel)
			require.NoError(t, err)
			assert.Equal(t, tc.want, matchLabels(ms, ls))
		})
	}
}
