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

const ocLeaders = `
name: 领导
people: [{name: 主任, phone: "13900000001"}, {name: 局长, phone: "13900000002"}]
rotation: {kind: daily, handover: "08:30", start: "2026-11-01", participants: [主任]}
`

// Pages: 0 at +0, 1 at +10m, 2 at +20m, 3 at +30m (step 2 repeated twice), 4 at +60m.
const ocPolicy = `
name: 网络故障
min_severity: major
steps:
  - {after: 0s, rosters: [网络值班], channels: [wecom]}
  - {after: 10m, rosters: [网络值班], people: [主任], channels: [wecom, sms], repeat: 2}
  - {after: 30m, people: [局长], channels: [phone]}
`

func ocPolicyOf(t testing.TB, doc string) *Policy {
	t.Helper()
	var p Policy
	require.NoError(t, yaml.Unmarshal([]byte(doc), &p))
	require.NoError(t, p.Validate())
	return &p
}

func ocDirectory(t testing.TB) *Directory {
	t.Helper()
	d, err := NewDirectory(ocRoster(t, ocDaily), ocRoster(t, ocLeaders))
	require.NoError(t, err)
	return d
}

func TestPolicyDue(t *testing.T) {
	p := ocPolicyOf(t, ocPolicy)
	require.Equal(t, 5, p.Pages())
	fired := ocAt(t, "2026-12-02 10:00")
	open := Incident{Severity: notice.Major, FirstFired: fired}
	acked := open
	acked.Acked = true
	resolved := open
	resolved.Resolved = true
	minor := open
	minor.Severity = notice.Minor
	for _, tc := range []struct {
		name     string
		inc      Incident
		last     int
		after    time.Duration
		wantStep int
		wantDue  bool
	}{
		{"first page at once", open, -1, 0, 0, true},
		{"just before 10m", open, 0, 10*time.Minute - time.Nanosecond, 1, false},
		{"at 10m", open, 0, 10 * time.Minute, 1, true},
		{"repeat at 20m", open, 1, 20 * time.Minute, 2, true},
		{"just before last repeat", open, 2, 30*time.Minute - time.Second, 3, false},
		{"last repeat at 30m", open, 2, 30 * time.Minute, 3, true},
		{"final step waits 30m more", open, 3, 59 * time.Minute, 4, false},
		{"final step at 60m", open, 3, 60 * time.Minute, 4, true},
		{"nothing after the last", open, 4, 10 * time.Hour, 4, false},
		{"behind: one step at a time", open, 0, 10 * time.Hour, 1, true},
		{"acknowledged never escalates", acked, 0, 10 * time.Hour, 0, false},
		{"resolved never escalates", resolved, 0, 10 * time.Hour, 0, false},
		{"below the floor", minor, -1, 10 * time.Hour, -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			step, due := p.Due(tc.inc, tc.last, fired.Add(tc.after))
			assert.Equal(t, tc.wantStep, step)
			assert.Equal(t, tc.wantDue, due)
		})
	}
}

func TestPolicyPages(t *testing.T) {
	p, d := ocPolicyOf(t, ocPolicy), ocDirectory(t)
	require.NoError(t, d.Check(p))
	at := ocAt(t, "2026-12-02 10:00") // 李四 on duty
	for _, tc := range []struct {
		step     int
		channels []string
		mentions []string
		line     string
	}{
		{0, []string{"wecom"}, []string{"13800000002"}, "第1次升级，通知值班人员：李四"},
		{3, []string{"wecom", "sms"}, []string{"13800000002", "13900000001"}, "第4次升级，通知值班人员：李四、主任"},
		{4, []string{"phone"}, []string{"13900000002"}, "第5次升级，通知值班人员：局长"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			pg, ok := d.Page(p, tc.step, at)
			require.True(t, ok)
			assert.Equal(t, tc.channels, pg.Channels)
			n := notice.Notification{Text: "灵宝市 链路中断"}
			pg.Apply(&n)
			assert.Equal(t, tc.step, n.Step)
			assert.Equal(t, tc.mentions, n.Mentions)
			assert.Equal(t, tc.line+"\n灵宝市 链路中断", n.Text)
		})
	}
	_, ok := d.Page(p, 5, at)
	assert.False(t, ok, "past the last page")
	// During the 12-02 20:00 override 赵六 is paged instead of 李四.
	pg, _ := d.Page(p, 1, ocAt(t, "2026-12-02 21:00"))
	assert.Equal(t, []string{"13800000004", "13900000001"}, pg.Mentions())
}

func TestPolicyValidateErrors(t *testing.T) {
	for _, tc := range []struct{ name, old, new, wantErr string }{
		{"no name", "name: 网络故障", "name: ''", "name is required"},
		{"floor", "min_severity: major", "min_severity: high", `min_severity "high"`},
		{"negative", "after: 30m", "after: -1m", "step 3: after -1m0s must not be negative"},
		{"repeat", "repeat: 2", "repeat: -1", "step 2: repeat -1 must be between"},
		{"repeat without delay", "after: 10m", "after: 0s", "step 2: repeat needs a positive after"},
		{"too many", "repeat: 2", "repeat: 99", "make 102 pages, over the 100 limit"},
		{"nobody", "people: [局长], ", "", "step 3: give rosters or people"},
		{"no channel", "channels: [phone]", "channels: []", "step 3: channels: at least one"},
		{"no steps", ocPolicy[strings.Index(ocPolicy, "steps:"):], "steps: []", "steps: at least one"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(ocPolicy, tc.old, tc.new, 1)
			require.NotEqual(t, ocPolicy, doc)
			var p Policy
			require.NoError(t, yaml.Unmarshal([]byte(doc), &p))
			c := metrics.GetOrCreateCounter(`swanwatch_alerting_invalid_config_total{kind="escalation"}`)
			before := c.Get()
			err := p.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Equal(t, before+1, c.Get())
		})
	}
}

func TestDirectoryErrors(t *testing.T) {
	daily := ocRoster(t, ocDaily)
	_, err := NewDirectory(daily, ocRoster(t, ocDaily))
	assert.ErrorContains(t, err, `roster "网络值班" listed twice`)
	other := ocRoster(t, strings.Replace(ocLeaders, `"13900000001"`, `"13800000001"`, 1))
	other.People[0].Name = "张三" // same name, another phone
	_, err = NewDirectory(daily, other)
	assert.ErrorContains(t, err, `person "张三" differs between rosters`)

	d := ocDirectory(t)
	for _, tc := range []struct{ old, new, wantErr string }{
		{"rosters: [网络值班], channels: [wecom]", "rosters: [机房值班], channels: [wecom]", `step 1: unknown roster "机房值班"`},
		{"people: [局长]", "people: [书记]", `step 3: unknown person "书记"`},
	} {
		t.Run(tc.wantErr, func(t *testing.T) {
			assert.ErrorContains(t, d.Check(ocPolicyOf(t, strings.Replace(ocPolicy, tc.old, tc.new, 1))), tc.wantErr)
		})
	}
}
