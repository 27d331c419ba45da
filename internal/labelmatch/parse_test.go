package labelmatch

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// render prints matchers as a selector, the form Parse reads back.
func render(ms []*Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestParse(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{``, `{}`},
		{`{}`, `{}`},
		{`  { }  `, `{}`},
		{`{district="义马市"}`, `{district="义马市"}`},
		{`{district="灵宝市",severity=~"critical|major"}`, `{district="灵宝市",severity=~"critical|major"}`},
		{` { kind =~ "agent|snmp" , severity != "info" , } `, `{kind=~"agent|snmp",severity!="info"}`},
		{`alertname=LinkDown, site != "湖滨机房"`, `{alertname="LinkDown",site!="湖滨机房"}`},
		{`severity=~critical|major`, `{severity=~"critical|major"}`},
		{`a=`, `{a=""}`},
		{`kind!~'snmp.*'`, `{kind!~"snmp.*"}`},
		{`k='it\'s "x"'`, `{k="it's \"x\""}`},
		{"site=`a\\b`", `{site="a\\b"}`},
		{`{instance!~"10\\.0\\..*"}`, `{instance!~"10\\.0\\..*"}`},
		{`{ a = "x,y" , b="q\"uote" }`, `{a="x,y",b="q\"uote"}`},
		{`msg="say \"hi\"\n"`, `{msg="say \"hi\"\n"}`},
		{`_x1="\u4e49"`, `{_x1="义"}`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			ms, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, render(ms))
			again, err := Parse(render(ms))
			require.NoError(t, err, "String() must parse back")
			assert.Equal(t, render(ms), render(again))
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, wantErr string }{
		{`{a="b"`, "missing closing brace"},
		{`{`, "missing closing brace"},
		{`{a}`, "expected name and operator"},
		{`{,}`, "expected name and operator"},
		{`{a="b",,}`, "expected name and operator"},
		{`{1a="b"}`, `invalid label name "1a"`},
		{`{a-b="c"}`, `invalid label name "a-b"`},
		{`{a=~"("}`, "bad regexp"},
		{`{a=~"a)|(b"}`, "bad regexp"}, // would escape the anchors if concatenated unchecked
		{`{a="b" c="d"}`, "expected ','"},
		{`{a="unterminated}`, "unterminated or bad quoted value"},
		{`{a=<>"x"}`, "bad bare value"},
		{`{a=="b"}`, "bad bare value"},
		{`{a!x}`, "bad operator"},
		{`{a="\q"}`, "bad quoted value"},
		{"{a=\"x\ny\"}", "bad quoted value"},
		{`{a="` + strings.Repeat("x", MaxLen) + `"}`, "longer than"},
	} {
		t.Run(tc.in[:min(len(tc.in), 24)], func(t *testing.T) {
			_, err := Parse(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

// TestSemantics is the one table of what a matcher accepts.
func TestSemantics(t *testing.T) {
	for _, tc := range []struct {
		sel, value string
		want       bool
	}{
		{`k="agent"`, "agent", true},
		{`k="agent"`, "agent2", false},
		{`k!="agent"`, "", true},
		{`k=""`, "", true}, // a missing label is the empty value
		{`k!=""`, "", false},
		{`k=~"agent"`, "agent2", false}, // anchored: no substring match
		{`k=~"major"`, "majority", false},
		{`k=~"agent.*"`, "agent2", true},
		{`k=~"a|b"`, "b", true},
		{`k=~"a|b"`, "ab", false}, // the alternation is anchored as a whole
		{`k=~".*离线.*"`, "插件离线了", true},
		{`k=~".*"`, "", true},
		{`k=~".+"`, "", false},
		{`k!~"a|b"`, "ab", true},
		{`k!~"a|b"`, "a", false},
		// A newline in the value: (?s) as in Prometheus, so . matches it.
		{`k=~"x.y"`, "x\ny", true},
		{`k=~"端口.*"`, "端口 GE0/0/1\n中断", true},
		{`k!~"端口.*"`, "端口 GE0/0/1\n中断", false},
		{`k=~"x$"`, "x\n", false}, // still anchored at the very end
	} {
		t.Run(tc.sel+" "+tc.value, func(t *testing.T) {
			ms, err := Parse(tc.sel)
			require.NoError(t, err)
			require.Len(t, ms, 1)
			assert.Equal(t, tc.want, ms[0].Matches(tc.value))
		})
	}
}

func TestNew(t *testing.T) {
	m, err := New("severity", Regexp, "critical|major")
	require.NoError(t, err)
	assert.Equal(t, `severity=~"critical|major"`, m.String())
	_, err = New("", Equal, "x")
	assert.ErrorContains(t, err, "invalid label name")
	_, err = New("a", Type(9), "x")
	assert.ErrorContains(t, err, "unknown operator")
	assert.Equal(t, "Type(9)", Type(9).String())
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{``, `{}`, `{district="义马市",kind=~"agent|snmp",severity!="info"}`,
		`{a!~'x'}`, "{a=`b`}", `{a="\"",}`, `{a=~"("}`, `{`, `{a="b"`, `a=b, c=~d|e`, "{a=\"x\\ny\"}", `a=~(`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := Parse(s)
		if err != nil {
			return
		}
		// Whatever parses renders to a selector that parses to the same matchers.
		again, err := Parse(render(ms))
		if err != nil {
			t.Fatalf("%q parsed to %s, which does not parse: %v", s, render(ms), err)
		}
		if render(again) != render(ms) {
			t.Fatalf("round trip of %q: %s != %s", s, render(ms), render(again))
		}
	})
}
