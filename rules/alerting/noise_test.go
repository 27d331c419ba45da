package alerting

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// noiseEnv pages one person with their own noise settings over the wecom
// and sms receivers.
func noiseEnv(t *testing.T, person string) *ntEnv {
	t.Helper()
	e := newNotifyEnv(t)
	r, err := oncall.ParseRoster([]byte(`
name: 夜班
people: [` + person + `]
rotation: {kind: daily, handover: "08:30", start: "2026-11-01", participants: [张三]}
`))
	require.NoError(t, err)
	dir, err := oncall.NewDirectory(r)
	require.NoError(t, err)
	var p oncall.Policy
	require.NoError(t, yaml.Unmarshal([]byte(`{name: 网络故障, min_severity: minor, steps: [{after: 0s, rosters: [夜班], channels: [wecom, sms]}]}`), &p))
	require.NoError(t, p.Validate())
	e.cfg.Directory, e.cfg.Policies = dir, map[string]*oncall.Policy{p.Name: &p}
	e.n = e.notifier()
	return e
}

func pagesOf(q []queuedNote) (out []queuedNote) {
	for _, x := range q {
		if len(x.n.Recipients) > 0 {
			out = append(out, x)
		}
	}
	return out
}

// Quiet hours hold a major page until they end, on the channel the person
// prefers; a critical one goes at once; a page for an incident acknowledged
// meanwhile is dropped.
func TestQuietHoursHoldThePage(t *testing.T) {
	ctx := context.Background()
	e := noiseEnv(t, `{name: 张三, phone: "13800000001", quiet_hours: "22:00-07:00", channels: [sms]}`)
	e.c.set(time.Date(2026, 11, 28, 15, 0, 0, 0, time.UTC)) // 23:00 CST
	major := e.fire("WanLinkDown", "lsx-t001-up", "major")
	acked := e.fire("WanLinkDown", "lsx-t002-up", "major")
	e.tick()
	assert.Empty(t, pagesOf(e.queued()), "quiet hours: nobody is woken for a major fault")
	assert.Contains(t, timelineKinds(t, e.store, major.ID), "held")

	crit := e.fire("WanLinkDown", "lsx-t003-up", "critical")
	e.tick()
	p := pagesOf(e.queued())
	require.Len(t, p, 1, "a critical page goes at once")
	assert.Equal(t, crit.ID, p[0].n.IncidentIDs()[0])
	assert.Equal(t, "duty/sms", p[0].channel, "on the channel the person prefers, not the robot")

	_, err := e.store.Ack(ctx, acked.ID, "王五")
	require.NoError(t, err)
	e.c.set(time.Date(2026, 11, 28, 22, 59, 0, 0, time.UTC)) // 06:59
	e.tick()
	assert.Len(t, pagesOf(e.queued()), 1, "not before the quiet hours end")
	e.c.set(time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC)) // 07:00
	e.tick()
	p = pagesOf(e.queued())
	require.Len(t, p, 2, "the held page goes out at 07:00, once")
	assert.Contains(t, p[1].n.Title, "【推迟通知·重要】")
	assert.Equal(t, []int64{major.ID}, p[1].n.IncidentIDs(), "the acknowledged one is dropped")
	assert.Equal(t, "duty/sms", p[1].channel)
	assert.Contains(t, timelineKinds(t, e.store, major.ID), "notified_held")
	e.tick()
	assert.Len(t, pagesOf(e.queued()), 2)
}

// A digest gathers a person's minor pages into one message per period.
func TestDigestGathersMinorPages(t *testing.T) {
	e := noiseEnv(t, `{name: 张三, phone: "13800000001", digest: 1h}`)
	e.c.set(time.Date(2026, 11, 28, 2, 10, 0, 0, time.UTC)) // 10:10 CST
	a := e.fire("WanLinkDown", "lsx-t001-up", "minor")
	e.c.add(10 * time.Minute)
	b := e.fire("WanLinkDown", "lsx-t002-up", "minor")
	e.tick()
	assert.Empty(t, pagesOf(e.queued()))
	e.c.set(time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)) // 11:00
	e.tick()
	p := pagesOf(e.queued())
	require.Len(t, p, 2, "one digest, on both of the step's receivers (no preference)")
	d := p[0].n
	assert.Equal(t, "【汇总】张三 的 2 条未处理告警", d.Title)
	assert.ElementsMatch(t, []int64{a.ID, b.ID}, d.IncidentIDs())
	assert.Equal(t, 2, strings.Count(d.Text, "【次要】"))
}
