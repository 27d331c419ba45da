package alerting

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
	"github.com/swanwatch/swanwatch/rules/alerting/outbox"
)

// A town uplink (link lsx-t001-up) feeds the town router, which feeds two villages.
var ntParents = map[string]string{
	"lsx-t001-up": "lsx-agg-01", "lsx-t001-rt": "lsx-t001-up",
	"lsx-t001-v01": "lsx-t001-rt", "lsx-t001-v02": "lsx-t001-rt",
}

const ntRoute = `
receiver: duty
group_by: [district, alertname]
group_wait: 0s
group_interval: 1m
repeat_interval: 4h
escalation: 网络故障
`

type ntEnv struct {
	t     testing.TB
	c     *clock
	store *Incidents
	db    *statestore.DB
	cfg   NotifyConfig
	n     *Notifier
	sil   []Silence
}

func newNotifyEnv(t *testing.T) *ntEnv {
	t.Helper()
	e := &ntEnv{t: t, c: &clock{t: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)}} // 10:00 CST, 张三 on duty
	e.store, e.db = openStore(t, e.c)
	var r Route
	require.NoError(t, yaml.Unmarshal([]byte(ntRoute), &r))
	require.NoError(t, r.Compile())
	topo, err := NewTopology(ntParents)
	require.NoError(t, err)
	policy := ntPolicyOf(t)
	e.cfg = NotifyConfig{Route: &r,
		Receivers: map[string][]string{"duty": {"duty/wecom"}, "wecom": {"duty/wecom"}, "sms": {"duty/sms"}, "phone": {"duty/sms"}},
		Topology:  &TopologyInhibitor{Topology: topo, RootAlerts: []string{"WanLinkDown", "SnmpTargetUnreachable"}, NodeLabels: []string{"link", "instance"}},
		Policies:  map[string]*oncall.Policy{policy.Name: policy}, Directory: ntDirectory(t)}
	e.n = e.notifier()
	return e
}

// notifier is a fresh Notifier over the same stores, as after a restart.
func (e *ntEnv) notifier() *Notifier {
	ob := outbox.New(e.db, map[string]outbox.Sender{"duty/wecom": nil, "duty/sms": nil}, outbox.Options{Now: e.c.now})
	links, err := NewAckLinks([]byte(strings.Repeat("k", 32)), time.Hour, e.c.now)
	require.NoError(e.t, err)
	return NewNotifier(NotifierOptions{Incidents: e.store, Outbox: ob, Now: e.c.now, AckLinks: links,
		ExternalURL: "https://sw.example",
		Silences:    func(context.Context, time.Time) ([]Silence, error) { return e.sil, nil }}, e.cfg)
}

func (e *ntEnv) fire(name, node, sev string) Incident {
	a := Alert{Fingerprint: name + "/" + node, Firing: true, StartsAt: e.c.now(),
		Labels: map[string]string{"alertname": name, "severity": sev, "district": "卢氏县", "site": node,
			map[bool]string{true: "link", false: "instance"}[strings.HasSuffix(node, "-up")]: node},
		Annotations: map[string]string{"summary": name + " " + node}}
	inc, _, err := e.store.Fire(context.Background(), a)
	require.NoError(e.t, err)
	return inc
}

func (e *ntEnv) tick() {
	require.NoError(e.t, e.n.Tick(context.Background()))
}

type queuedNote struct {
	id, channel string
	n           Notification
}

// queued is what the outbox holds, oldest first.
func (e *ntEnv) queued() []queuedNote {
	rows, err := e.db.SQL().Query(`SELECT id, channel, payload FROM outbox ORDER BY rowid`)
	require.NoError(e.t, err)
	defer rows.Close()
	var out []queuedNote
	for rows.Next() {
		var q queuedNote
		var payload string
		require.NoError(e.t, rows.Scan(&q.id, &q.channel, &payload))
		require.NoError(e.t, json.Unmarshal([]byte(payload), &q.n))
		out = append(out, q)
	}
	return out
}

func timelineKinds(t testing.TB, s *Incidents, id int64) []string {
	tl, err := s.Timeline(context.Background(), id)
	require.NoError(t, err)
	var kinds []string
	for _, e := range tl {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// The demo's story at the package level: the uplink of a town fails, the
// town router and its villages become unreachable; one message goes out, for
// the root; escalation pages after 10 minutes without acknowledgement; the
// resolution is announced when the link returns.
func TestNotifierTownUplinkStory(t *testing.T) {
	e := newNotifyEnv(t)
	root := e.fire("WanLinkDown", "lsx-t001-up", "critical")
	var kids []Incident
	for _, n := range []string{"lsx-t001-rt", "lsx-t001-v01", "lsx-t001-v02"} {
		kids = append(kids, e.fire("SnmpTargetUnreachable", n, "major"))
	}
	e.tick()
	q := e.queued()
	require.Len(t, q, 2, "one notice for the root + escalation page 0 (after 0s): %v", q)
	notice := q[0].n
	assert.Equal(t, "duty/wecom", q[0].channel)
	assert.Equal(t, "【紧急】卢氏县 WanLinkDown lsx-t001-up", notice.Title)
	assert.Contains(t, notice.Text, "另有3条下级告警因上级故障抑制")
	assert.Contains(t, notice.Text, "开始：2026-11-28 10:00:00", "times are Asia/Shanghai")
	assert.Equal(t, fmt.Sprintf("https://sw.example/incidents?id=%d", root.ID), notice.URL)
	assert.Contains(t, notice.AckURL, "https://sw.example/ack/")
	require.Len(t, notice.Alerts, 1)
	assert.Equal(t, root.ID, notice.Alerts[0].IncidentID)
	assert.True(t, strings.HasSuffix(q[0].id, "@duty/wecom"))
	assert.Contains(t, q[1].n.Title, "【升级·紧急】")
	assert.Contains(t, q[1].n.Text, "第1次升级，通知值班人员：张三")

	for _, k := range kids {
		got, err := e.store.Get(context.Background(), k.ID)
		require.NoError(t, err)
		assert.Equal(t, root.ID, got.SuppressedBy, "%s suppressed under the root", k.Labels["instance"])
		assert.Equal(t, ReasonUpstream, got.SuppressReason)
		assert.Contains(t, timelineKinds(t, e.store, k.ID), "suppressed")
	}

	e.c.add(5 * time.Minute)
	e.tick()
	assert.Len(t, e.queued(), 2, "nothing new before the next escalation step")
	e.c.add(5 * time.Minute)
	e.tick()
	q = e.queued()
	require.Len(t, q, 4, "step 2 (10m) goes over wecom and sms")
	assert.Contains(t, q[2].n.Text, "第2次升级")
	assert.Contains(t, q[3].n.Mentions, "13900000001", "主任 is paged")
	assert.Contains(t, timelineKinds(t, e.store, root.ID), "escalated")

	_, err := e.store.Ack(context.Background(), root.ID, "张三")
	require.NoError(t, err)
	e.c.add(30 * time.Minute)
	e.tick()
	assert.Len(t, e.queued(), 4, "acknowledged: no more pages")

	for _, inc := range append(kids, root) {
		_, _, err := e.store.Resolve(context.Background(), inc.Fingerprint, e.c.now())
		require.NoError(t, err)
	}
	e.c.add(time.Minute)
	e.tick()
	q = e.queued()
	require.Len(t, q, 5, "one resolution, for the root only: the villages were never announced")
	assert.True(t, q[4].n.Resolved)
	assert.True(t, strings.HasPrefix(q[4].n.Title, "【已恢复】卢氏县"), q[4].n.Title)
	assert.Contains(t, q[4].n.Text, "历时40分0秒")
	e.c.add(10 * time.Minute)
	e.tick()
	assert.Len(t, e.queued(), 5, "nothing more once everything is over")
}

// A restart (a fresh Notifier over the same store) repeats nothing already
// announced and still announces what is new.
func TestNotifierRestartRepeatsNothing(t *testing.T) {
	e := newNotifyEnv(t)
	e.cfg.Policies = nil
	e.n = e.notifier()
	e.fire("WanLinkLossHigh", "lsx-t001-up", "major")
	e.tick()
	require.Len(t, e.queued(), 1)
	e.n = e.notifier()
	e.tick()
	assert.Len(t, e.queued(), 1, "already announced before the restart")
	e.c.add(time.Minute)
	e.fire("WanLinkLossHigh", "lsx-t002-up", "major")
	e.tick()
	q := e.queued()
	require.Len(t, q, 2)
	assert.Contains(t, q[1].n.Title, "WanLinkLossHigh lsx-t002-up")
}

// Group interval, news batching and repeat reminders, as Alertmanager does.
func TestNotifierGroupTiming(t *testing.T) {
	e := newNotifyEnv(t)
	e.cfg.Policies = nil
	e.n = e.notifier()
	e.fire("WanLinkLossHigh", "a-up", "major")
	e.tick()
	e.c.add(10 * time.Second)
	e.fire("WanLinkLossHigh", "b-up", "major")
	e.fire("WanLinkLossHigh", "c-up", "minor")
	e.tick()
	require.Len(t, e.queued(), 1, "the group waits group_interval after its first notice")
	e.c.add(50 * time.Second)
	e.tick()
	q := e.queued()
	require.Len(t, q, 2)
	assert.Equal(t, "【重要】卢氏县 2条告警：WanLinkLossHigh b-up等", q[1].n.Title)
	assert.Len(t, q[1].n.Alerts, 2, "only the news")
	e.c.add(4 * time.Hour)
	e.tick()
	q = e.queued()
	require.Len(t, q, 3, "a reminder after repeat_interval")
	assert.Len(t, q[2].n.Alerts, 3, "a reminder lists all that fires")
}

// Silences and maintenance windows mute notices (and escalation) and say so
// on the incident; an expired silence lets the notice through.
func TestNotifierSilenceAndMaintenance(t *testing.T) {
	e := newNotifyEnv(t)
	ms, err := ParseMatchers(`{alertname="WanLinkLossHigh"}`)
	require.NoError(t, err)
	e.sil = []Silence{{ID: "s1", Matchers: ms, StartsAt: e.c.now(), EndsAt: e.c.now().Add(time.Hour), CreatedBy: "张三", Comment: "割接"}}
	w := MaintenanceWindow{Name: "每日变更", Cron: "* * * * *", Duration: time.Minute}
	w.Matchers, err = ParseMatchers(`{alertname="DeviceRestarted"}`)
	require.NoError(t, err)
	require.NoError(t, w.Compile())
	e.cfg.Maintenance = []MaintenanceWindow{w}
	e.n = e.notifier()
	loss := e.fire("WanLinkLossHigh", "a-up", "critical")
	boot := e.fire("DeviceRestarted", "dev1", "critical")
	e.tick()
	e.tick()
	assert.Empty(t, e.queued())
	assert.Equal(t, []string{"fired", "silenced"}, timelineKinds(t, e.store, loss.ID), "noted once")
	assert.Equal(t, []string{"fired", "silenced"}, timelineKinds(t, e.store, boot.ID))
	e.c.add(2 * time.Hour)
	e.sil = nil
	e.tick()
	assert.NotEmpty(t, e.queued(), "the silence is over")
}

// stormEnv is a state store with 10,000 open incidents of one district and
// alertname, routed to one channel.
func stormEnv(b *testing.B) *ntEnv {
	e := &ntEnv{t: b, c: newClock()}
	db, err := statestore.Open(b.TempDir()+"/state.db", nil)
	require.NoError(b, err)
	b.Cleanup(func() { db.Close() })
	e.db, e.store = db, NewIncidents(db, e.c.now)
	var r Route
	require.NoError(b, yaml.Unmarshal([]byte(ntRoute), &r))
	require.NoError(b, r.Compile())
	e.cfg = NotifyConfig{Route: &r, Receivers: map[string][]string{"duty": {"duty/wecom"}}}
	for i := range 10000 {
		e.fire("WanLinkLossHigh", fmt.Sprintf("d%02d-n%05d", i%10, i), "major")
	}
	return e
}

func BenchmarkNotifierTick10k(b *testing.B) {
	e := stormEnv(b)
	for b.Loop() {
		b.StopTimer()
		_, err := e.db.SQL().Exec(`UPDATE incidents SET notify_state = 0`)
		require.NoError(b, err)
		e.n = e.notifier()
		b.StartTimer()
		require.NoError(b, e.n.Tick(context.Background()))
	}
	b.StopTimer()
	require.Len(b, e.queued(), 1, "10k alerts of one district and alertname: one notice")
}

// BenchmarkNotifierTickSteady is a tick with 10,000 open incidents already
// announced: the cost the notifier adds every second during a storm.
func BenchmarkNotifierTickSteady(b *testing.B) {
	e := stormEnv(b)
	e.n = e.notifier()
	require.NoError(b, e.n.Tick(context.Background()))
	for b.Loop() {
		require.NoError(b, e.n.Tick(context.Background()))
	}
	require.Len(b, e.queued(), 1)
}

// The notifier wakes when a group_interval runs out, not a whole Interval
// later: a second alert of a group goes out right at sentAt+group_interval.
func TestNotifierWakesWhenDue(t *testing.T) {
	e := newNotifyEnv(t)
	e.cfg.Policies = nil
	e.n = e.notifier()
	e.n.opts.Interval = time.Hour
	e.fire("WanLinkLossHigh", "a-up", "major")
	e.tick()
	e.c.add(10 * time.Second)
	e.fire("WanLinkLossHigh", "b-up", "major")
	e.tick()
	assert.Equal(t, 50*time.Second+time.Millisecond, e.n.sleep(), "wake at sentAt + group_interval (1m)")
	e.c.add(50 * time.Second)
	e.tick()
	assert.Len(t, e.queued(), 2)
	assert.Equal(t, time.Hour, e.n.sleep(), "nothing pending: the plain interval")
}
