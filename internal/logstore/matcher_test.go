package logstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMatchers(t *testing.T) {
	tests := []struct {
		in   string
		want []string // Matcher.String() of each
	}{
		{``, nil},
		{`{}`, nil},
		{`{district="义马市"}`, []string{`district="义马市"`}},
		{` { kind =~ "agent|snmp" , severity != "info" , } `, []string{`kind=~"agent|snmp"`, `severity!="info"`}},
		{`kind!~'snmp.*'`, []string{`kind!~"snmp.*"`}},
		{"site=`a\\b`", []string{`site="a\\b"`}},
		{`msg="say \"hi\"\n"`, []string{`msg="say \"hi\"\n"`}},
		{`_x1="\u4e49"`, []string{`_x1="义"`}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			ms, err := ParseMatchers(tc.in)
			require.NoError(t, err)
			var got []string
			for _, m := range ms {
				got = append(got, m.String())
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseMatchersErrors(t *testing.T) {
	for _, in := range []string{
		`{district="a"`, `{1a="b"}`, `{a=b}`, `{a="b" c="d"}`, `{a=="b"}`, `{a="b}`,
		`{a=~"("}`, `{,}`, `{a}`, `{a="\q"}`, `{a-b="c"}`,
		"{" + repeat(`a="b",`, maxMatchers+1) + "}",
		`{a="` + string(make([]byte, maxSelectorLen)) + `"}`,
	} {
		t.Run(in[:min(len(in), 20)], func(t *testing.T) {
			_, err := ParseMatchers(in)
			assert.Error(t, err)
		})
	}
}

func TestMatcherSemantics(t *testing.T) {
	tests := []struct {
		sel, value string
		want       bool
	}{
		{`{k="agent"}`, "agent", true},
		{`{k="agent"}`, "agent2", false},
		{`{k!="agent"}`, "", true},
		{`{k=~"agent"}`, "agent2", false}, // anchored like Prometheus
		{`{k=~"agent.*"}`, "agent2", true},
		{`{k=~"a|b"}`, "b", true},
		{`{k=~".*离线.*"}`, "插件离线了", true},
		{`{k=~".*"}`, "", true},
		{`{k=~".+"}`, "", false},
		{`{k!~"a|b"}`, "ab", true},
		{`{k!~"a|b"}`, "a", false},
		{`{k=~"x.y"}`, "x\ny", true}, // (?s): a dot matches a newline, as in Prometheus
	}
	for _, tc := range tests {
		t.Run(tc.sel+" "+tc.value, func(t *testing.T) {
			ms, err := ParseMatchers(tc.sel)
			require.NoError(t, err)
			assert.Equal(t, tc.want, matchLabels(ms, []labelPair{{"k", tc.value}}))
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
