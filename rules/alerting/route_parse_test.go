package alerting

import (
	"testing"

	"github.com/VictoriaMetrics/metrics"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMatchers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // canonical String() of the result
	}{
		{`{district="灵宝市",severity=~"critical|major"}`, `{district="灵宝市",severity=~"critical|major"}`},
		{`alertname=LinkDown, site != "湖滨机房"`, `{alertname="LinkDown",site!="湖滨机房"}`},
		{`{instance!~"10\\.0\\..*"}`, `{instance!~"10\\.0\\..*"}`},
		{`{ a = "x,y" , b="q\"uote" }`, `{a="x,y",b="q\"uote"}`},
		{`{}`, `{}`},
		{``, `{}`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			ms, err := ParseMatchers(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ms.String())
			again, err := ParseMatchers(ms.String())
			require.NoError(t, err, "String() must parse back")
			assert.Equal(t, ms.String(), again.String())
		})
	}
}

func TestParseMatchersErrors(t *testing.T) {
	for _, tc := range []struct{ in, wantErr string }{
		{`{a="b"`, "missing closing brace"},
		{`{a}`, "expected name and operator"},
		{`{1a="b"}`, `invalid label name "1a"`},
		{`{a=~"("}`, "bad regexp"},
		{`{a="b" c="d"}`, "expected ','"},
		{`{a="unterminated}`, "unterminated or bad quoted value"},
		{`{a=<>"x"}`, "bad bare value"},
		{`{a!x}`, "bad operator"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseMatchers(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Contains(t, err.Error(), "parse matchers")
		})
	}
}

func TestMatcherSemantics(t *testing.T) {
	labels := map[string]string{"severity": "majority", "district": "灵宝市"}
	for _, tc := range []struct {
		sel  string
		want bool
	}{
		{`severity=~"major"`, false}, // anchored: no substring match
		{`severity=~"major.*"`, true},
		{`severity!~"major"`, true},
		{`district="灵宝市"`, true},
		{`district!="灵宝市"`, false},
		{`missing=""`, true}, // a missing label is the empty value
		{`missing!=""`, false},
		{`district="灵宝市",severity="minor"`, false}, // a conjunction
	} {
		t.Run(tc.sel, func(t *testing.T) {
			ms, err := ParseMatchers(tc.sel)
			require.NoError(t, err)
			assert.Equal(t, tc.want, ms.Matches(labels))
		})
	}
}

func FuzzParseMatchers(f *testing.F) {
	for _, s := range []string{`{district="灵宝市",severity=~"critical|major"}`, `a=b`, `{a!~"x\"y"}`, `{`, `a=~(`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ParseMatchers(s)
		if err != nil {
			return
		}
		// Whatever parses must render to a selector that parses to the same.
		again, err := ParseMatchers(ms.String())
		if err != nil {
			t.Fatalf("%q parsed to %s which does not parse: %v", s, ms, err)
		}
		if again.String() != ms.String() {
			t.Fatalf("round trip %q: %s != %s", s, ms, again)
		}
	})
}

func TestInvalidInputIsCounted(t *testing.T) {
	for _, tc := range []struct {
		kind string
		bad  func() error
	}{
		{"matcher", func() error { _, err := ParseMatchers(`{a=~"("}`); return err }},
		{"route", func() error { return (&Route{}).Compile() }},
		{"silence", func() error { return (&Silence{}).Validate() }},
		{"maintenance", func() error { return (&MaintenanceWindow{}).Compile() }},
		{"topology", func() error { _, err := NewTopology(map[string]string{"a": "a"}); return err }},
		{"inhibit", func() error { return InhibitRule{}.Validate() }},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			c := metrics.GetOrCreateCounter(`swanwatch_alerting_invalid_config_total{kind="` + tc.kind + `"}`)
			before := c.Get()
			require.Error(t, tc.bad())
			assert.Equal(t, before+1, c.Get())
		})
	}
}
