package oncall

import (
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Halves ocPolicy's delays: pages at +0, 5m, 10m, 15m, 30m; adds 局长 everywhere.
const ocWatches = `
- name: 春节
  from: "2027-02-05 08:00"
  to: "2027-02-12 20:00"
  reason: 春节保障
  factor: 0.5
  extra_people: [局长]
  min_severity: minor
- name: 高考
  from: "2027-06-07 07:00"
  to: "2027-06-09 19:00"
  reason: 高考保障
  extra_rosters: [领导]
  steps:
    - {after: 0s, rosters: [网络值班], channels: [wecom]}
    - {after: 3m, people: [局长], channels: [phone]}
`

func ocWatchList(t testing.TB) Watches {
	t.Helper()
	var ws Watches
	require.NoError(t, yaml.Unmarshal([]byte(ocWatches), &ws))
	for i := range ws {
		require.NoError(t, ws[i].Validate())
	}
	return ws
}

func TestActiveWatch(t *testing.T) {
	ws := ocWatchList(t)
	for _, tc := range []struct{ at, want string }{
		{"2027-02-05 07:59", ""},
		{"2027-02-05 08:00", "春节"},
		{"2027-02-12 19:59", "春节"},
		{"2027-02-12 20:00", ""},
		{"2027-06-08 12:00", "高考"},
	} {
		t.Run(tc.at, func(t *testing.T) {
			w := ws.ActiveWatch(ocAt(t, tc.at))
			if tc.want == "" {
				assert.Nil(t, w)
				return
			}
			require.NotNil(t, w)
			assert.Equal(t, tc.want, w.Name)
		})
	}
	assert.Equal(t, "重保期：春节保障（2027-02-05 08:00:00 至 2027-02-12 20:00:00）", ws[0].Banner())
}

func TestWatchShortensAndAdds(t *testing.T) {
	base, d, ws := ocPolicyOf(t, ocPolicy), ocDirectory(t), ocWatchList(t)
	fired := ocAt(t, "2027-02-06 10:00")
	inc := Incident{Severity: notice.Major, FirstFired: fired}
	p, err := ws[0].Apply(base)
	require.NoError(t, err)
	require.NoError(t, d.Check(p))
	for _, tc := range []struct {
		last    int
		after   time.Duration
		baseDue bool
		due     bool
	}{
		{0, 5*time.Minute - time.Second, false, false},
		{0, 5 * time.Minute, false, true},
		{2, 15 * time.Minute, false, true},
		{2, 30 * time.Minute, true, true},
	} {
		_, due := p.Due(inc, tc.last, fired.Add(tc.after))
		_, baseDue := base.Due(inc, tc.last, fired.Add(tc.after))
		assert.Equal(t, tc.due, due, "watch, page %d at %s", tc.last+1, tc.after)
		assert.Equal(t, tc.baseDue, baseDue, "base, page %d at %s", tc.last+1, tc.after)
	}
	minor := Incident{Severity: notice.Minor, FirstFired: fired}
	_, due := p.Due(minor, -1, fired)
	assert.True(t, due, "the watch pages for minor too")
	_, due = base.Due(minor, -1, fired)
	assert.False(t, due)
	pg, _ := d.Page(p, 0, fired) // 2027-02-06: day 70 of the rotation, 李四
	assert.Equal(t, []string{"13800000002", "13900000002"}, pg.Mentions(), "局长 added")
	assert.Equal(t, "major", string(base.MinSeverity), "the base policy is unchanged")
	assert.Equal(t, []string{"局长"}, base.Steps[2].People)
}

func TestWatchExplicitSteps(t *testing.T) {
	base, d, ws := ocPolicyOf(t, ocPolicy), ocDirectory(t), ocWatchList(t)
	p, err := ws[1].Apply(base)
	require.NoError(t, err)
	require.Equal(t, 2, p.Pages())
	fired := ocAt(t, "2027-06-08 12:00") // day 192: 张三; 领导 on duty: 主任
	_, due := p.Due(Incident{Severity: notice.Critical, FirstFired: fired}, 0, fired.Add(3*time.Minute))
	assert.True(t, due)
	pg, _ := d.Page(p, 1, fired)
	assert.Equal(t, []string{"13900000001", "13900000002"}, pg.Mentions(), "主任 from 领导, then 局长")
	var nilWatch *Watch
	same, err := nilWatch.Apply(base)
	require.NoError(t, err)
	assert.Same(t, base, same)
}

func TestWatchValidateErrors(t *testing.T) {
	for _, tc := range []struct{ name, old, new, wantErr string }{
		{"no reason", "reason: 春节保障", "reason: ''", "reason is required"},
		{"factor", "factor: 0.5", "factor: 2", "factor 2 must be in (0, 1]"},
		{"both", "factor: 0.5", "factor: 0.5\n  steps: [{after: 1m, people: [局长], channels: [sms]}]", "factor or steps, not both"},
		{"floor", "min_severity: minor", "min_severity: low", `min_severity "low"`},
		{"from", `from: "2027-02-05 08:00"`, `from: "2027-02-05"`, `from "2027-02-05": want YYYY-MM-DD HH:MM`},
		{"order", `to: "2027-02-12 20:00"`, `to: "2027-02-05 08:00"`, "to 2027-02-05 08:00 must be after"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(ocWatches, tc.old, tc.new, 1)
			require.NotEqual(t, ocWatches, doc)
			var ws Watches
			require.NoError(t, yaml.Unmarshal([]byte(doc), &ws))
			c := metrics.GetOrCreateCounter(`swanwatch_alerting_invalid_config_total{kind="watch"}`)
			before := c.Get()
			err := ws[0].Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Equal(t, before+1, c.Get())
		})
	}
}
