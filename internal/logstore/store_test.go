package logstore

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendQueryRoundTrip(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, t.TempDir(), func() time.Time { return now }, nil)
	ctx := context.Background()
	in := []Event{
		ev(now.Add(-3*time.Minute), "云服务器监控插件离线 vm-yima-01", "district", "义马市", "kind", "agent", "severity", "major"),
		ev(now.Add(-2*time.Minute), "链路 GE0/0/1 中断", "district", "渑池县", "kind", "snmp", "severity", "critical"),
		ev(now.Add(-1*time.Minute), "监控插件恢复在线 vm-yima-01", "district", "义马市", "kind", "agent", "severity", "info"),
	}
	require.NoError(t, s.Append(ctx, in...))

	got, err := s.Query(ctx, Query{Start: now.Add(-time.Hour), End: now})
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []string{in[2].Text, in[1].Text, in[0].Text}, texts(got), "newest first by default")
	assert.Equal(t, in[1].Labels, got[1].Labels)
	assert.True(t, in[1].Time.Equal(got[1].Time))

	fwd, err := s.Query(ctx, Query{Start: now.Add(-time.Hour), End: now, Direction: Forward, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{in[0].Text, in[1].Text}, texts(fwd))
}

func TestQueryMatchersAndText(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, t.TempDir(), func() time.Time { return now }, nil)
	require.NoError(t, s.Append(context.Background(),
		ev(now.Add(-4*time.Second), "a 插件离线 VM-01", "district", "义马市", "kind", "agent", "severity", "major"),
		ev(now.Add(-3*time.Second), "b 接口中断", "district", "义马市", "kind", "snmp", "severity", "info"),
		ev(now.Add(-2*time.Second), "c 画面冻结", "district", "湖滨区", "kind", "camera", "severity", "warning"),
		ev(now.Add(-1*time.Second), "d 插件离线 vm-02", "district", "湖滨区", "kind", "agent2"),
	))
	tests := []struct {
		name, match, text string
		want              []string
	}{
		{"all", "", "", []string{"d 插件离线 vm-02", "c 画面冻结", "b 接口中断", "a 插件离线 VM-01"}},
		{"equal", `{district="义马市"}`, "", []string{"b 接口中断", "a 插件离线 VM-01"}},
		{"not equal", `{district!="义马市"}`, "", []string{"d 插件离线 vm-02", "c 画面冻结"}},
		{"regexp is anchored", `{kind=~"agent|snmp"}`, "", []string{"b 接口中断", "a 插件离线 VM-01"}},
		{"not regexp", `{kind!~"agent.*"}`, "", []string{"c 画面冻结", "b 接口中断"}},
		{"missing label is empty", `{severity=""}`, "", []string{"d 插件离线 vm-02"}},
		{"missing label not equal", `{severity!="info"}`, "", []string{"d 插件离线 vm-02", "c 画面冻结", "a 插件离线 VM-01"}},
		{"combined", `{district="义马市",kind=~"agent|snmp",severity!="info"}`, "", []string{"a 插件离线 VM-01"}},
		{"text Chinese", "", "离线", []string{"d 插件离线 vm-02", "a 插件离线 VM-01"}},
		{"text case-insensitive", "", "Vm-0", []string{"d 插件离线 vm-02", "a 插件离线 VM-01"}},
		{"text and labels", `{kind="agent"}`, "离线", []string{"a 插件离线 VM-01"}},
		{"nothing", `{kind="nope"}`, "", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Query(context.Background(), Query{Start: now.Add(-time.Minute), End: now, Matchers: tc.match, Text: tc.text})
			require.NoError(t, err)
			assert.Equal(t, tc.want, texts(got))
		})
	}
}

func TestQueryTimeRangeIsInclusive(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, t.TempDir(), func() time.Time { return now }, nil)
	var in []Event
	for i := range 5 {
		in = append(in, ev(now.Add(time.Duration(i-5)*time.Second), string(rune('a'+i)), "kind", "x"))
	}
	require.NoError(t, s.Append(context.Background(), in...))
	got, err := s.Query(context.Background(), Query{Start: in[1].Time, End: in[3].Time, Direction: Forward})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c", "d"}, texts(got))
}

func TestDayPartitionBoundaryShanghai(t *testing.T) {
	dir := t.TempDir()
	now := at("2026-11-28 08:00:00.000")
	s := openTest(t, dir, func() time.Time { return now }, nil)
	last := at("2026-11-27 23:59:59.999")
	first := at("2026-11-28 00:00:00.000") // 2026-11-27 16:00 UTC: the UTC day has not changed
	require.NoError(t, s.Append(context.Background(),
		ev(last, "前一天最后一条", "kind", "syslog"),
		ev(first, "新一天第一条", "kind", "syslog"),
		ev(first.Add(time.Hour), "新一天第二条", "kind", "syslog"),
	))
	for day, want := range map[string]bool{"2026-11-27": true, "2026-11-28": true, "2026-11-26": false} {
		_, err := os.Stat(filepath.Join(dir, day, eventsFile))
		assert.Equal(t, want, err == nil, "partition %s", day)
	}

	got, err := s.Query(context.Background(), Query{Start: last, End: first, Direction: Forward})
	require.NoError(t, err)
	assert.Equal(t, []string{"前一天最后一条", "新一天第一条"}, texts(got))

	before := queryScanned.Get()
	got, err = s.Query(context.Background(), Query{Start: first, End: now})
	require.NoError(t, err)
	assert.Equal(t, []string{"新一天第二条", "新一天第一条"}, texts(got))
	assert.Equal(t, uint64(2), queryScanned.Get()-before, "only the 2026-11-28 partition is read")
}

func TestRetentionDeletesOldDaysOnly(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-10 12:00:00.000")}
	_, err := Open(Options{Dir: dir, Retention: 3 * 24 * time.Hour})
	require.ErrorContains(t, err, "180 days", "short retention needs the explicit test switch")

	s, err := Open(Options{Dir: dir, Retention: 3 * 24 * time.Hour, AllowShortRetention: true, Now: clk.Now})
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	for _, d := range []string{"2026-11-08", "2026-11-09", "2026-11-10"} {
		require.NoError(t, s.Append(ctx, ev(at(d+" 00:30:00.000"), "e "+d, "kind", "x")))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "not-a-day"), 0o755))

	// 2026-11-12 06:00: the cutoff is 2026-11-09 06:00; only 11-08 ended before it.
	clk.Set(at("2026-11-12 06:00:00.000"))
	require.NoError(t, s.Sweep())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"2026-11-09", "2026-11-10", "not-a-day"}, names)

	got, err := s.Query(ctx, Query{Start: at("2026-11-01 00:00:00.000"), End: clk.Now(), Direction: Forward})
	require.NoError(t, err)
	assert.Equal(t, []string{"e 2026-11-09", "e 2026-11-10"}, texts(got))
}

func TestAppendRejectsBadEventsKeepsGood(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, t.TempDir(), func() time.Time { return now }, nil)
	tests := []struct {
		name, reason string
		bad          Event
	}{
		{"label name", "labels", ev(now, "x", "1bad", "v")},
		{"label value not UTF-8", "labels", ev(now, "x", "site", "\xff")},
		{"text not UTF-8", "text", ev(now, "\xfe\xff")},
		{"future", "out_of_range", ev(now.Add(48*time.Hour), "x")},
		{"before retention", "out_of_range", ev(now.Add(-DefaultRetention-time.Hour), "x")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := rejected(tc.reason).Get()
			good := ev(now, "好的 "+tc.name, "kind", "ok")
			err := s.Append(context.Background(), tc.bad, good)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "event 0")
			assert.Equal(t, before+1, rejected(tc.reason).Get())
			got, err := s.Query(context.Background(), Query{Start: now, End: now, Text: "好的 " + tc.name})
			require.NoError(t, err)
			assert.Len(t, got, 1, "the good event of the batch is stored")
		})
	}
}

func TestQueryRejectsBadInput(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, t.TempDir(), func() time.Time { return now }, nil)
	for name, q := range map[string]Query{
		"limit too big": {Start: now, End: now, Limit: MaxLimit + 1},
		"end before":    {Start: now, End: now.Add(-time.Second)},
		"bad selector":  {Start: now, End: now, Matchers: `{kind=~"("}`},
		"direction":     {Start: now, End: now, Direction: 7},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Query(context.Background(), q)
			var bq *BadQueryError
			require.ErrorAs(t, err, &bq)
		})
	}
}

func TestConcurrentAppendAndQuery(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, t.TempDir(), func() time.Time { return now }, nil)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				_ = s.Append(context.Background(), ev(now.Add(-time.Duration(i)*time.Millisecond), "e", "w", string(rune('a'+w)), "i", string(rune('a'+i%26))))
			}
		})
		wg.Go(func() {
			for range 20 {
				_, err := s.Query(context.Background(), Query{Start: now.Add(-time.Minute), End: now, Matchers: `{w="a"}`})
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	got, err := s.Query(context.Background(), Query{Start: now.Add(-time.Minute), End: now})
	require.NoError(t, err)
	assert.Len(t, got, 200)
}
