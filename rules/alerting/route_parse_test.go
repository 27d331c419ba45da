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

// The language itself (operators, quoting, anchoring, errors) is tested once,
// in internal/labelmatch; here only what alerting adds: its error prefix and
// the conjunction of a selector over an alert's labels.
func TestParseMatchersWrapsLabelmatch(t *testing.T) {
	_, err := ParseMatchers(`{a="b"`)
	require.ErrorContains(t, err, "parse matchers")
	ms, err := ParseMatchers(`district="灵宝市",severity=~"major.*"`)
	require.NoError(t, err)
	assert.True(t, ms.Matches(map[string]string{"severity": "majority", "district": "灵宝市"}))
	assert.False(t, ms.Matches(map[string]string{"severity": "majority", "district": "卢氏县"}), "a conjunction")
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
