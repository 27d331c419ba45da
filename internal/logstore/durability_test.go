package logstore

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTornRecordIsSkippedAndRepaired(t *testing.T) {
	now := at("2026-11-27 14:05:09.000")
	damage := map[string]func(t *testing.T, path string){
		"half a record": func(t *testing.T, path string) {
			appendFile(t, path, appendRecord(nil, encodeEvent(nil, now.UnixNano(), 0, nil, "torn event"))[:11])
		},
		"garbage tail": func(t *testing.T, path string) {
			appendFile(t, path, []byte{0xff, 0xff, 0xff, 0x7f, 1, 2, 3})
		},
		"flipped byte in the last record": func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			b[len(b)-1] ^= 0x40
			require.NoError(t, os.WriteFile(path, b, 0o644))
		},
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(Options{Dir: dir, Now: func() time.Time { return now }})
			require.NoError(t, err)
			ctx := context.Background()
			require.NoError(t, s.Append(ctx, ev(now.Add(-2*time.Second), "一", "kind", "syslog")))
			require.NoError(t, s.Append(ctx, ev(now.Add(-time.Second), "二", "kind", "syslog")))
			require.NoError(t, s.Close())
			fn(t, filepath.Join(dir, dayOf(now), eventsFile))
			want := []string{"一", "二"}
			if name == "flipped byte in the last record" {
				want = []string{"一"} // the damaged record itself is lost, nothing else
			}

			s2, err := Open(Options{Dir: dir, Now: func() time.Time { return now }})
			require.NoError(t, err)
			defer s2.Close()
			q := Query{Start: now.Add(-time.Hour), End: now, Direction: Forward}
			got, err := s2.Query(ctx, q)
			require.NoError(t, err, "a reader never fails on a torn tail")
			assert.Equal(t, want, texts(got))

			// Appending repairs the tail first, so the new record is readable.
			require.NoError(t, s2.Append(ctx, ev(now, "三", "kind", "syslog")))
			got, err = s2.Query(ctx, q)
			require.NoError(t, err)
			assert.Equal(t, append(want, "三"), texts(got))
		})
	}
}

func TestTornStreamIndex(t *testing.T) {
	dir := t.TempDir()
	now := at("2026-11-27 14:05:09.000")
	s := openTest(t, dir, func() time.Time { return now }, nil)
	ctx := context.Background()
	require.NoError(t, s.Append(ctx, ev(now.Add(-time.Second), "a", "kind", "x"), ev(now, "b", "kind", "y")))
	require.NoError(t, s.Close())
	// Cut the second label set in half: its event becomes an orphan and is skipped.
	path := filepath.Join(dir, dayOf(now), streamsFile)
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(path, st.Size()-3))

	s2 := openTest(t, dir, func() time.Time { return now }, nil)
	before := orphanEvents.Get()
	got, err := s2.Query(ctx, Query{Start: now.Add(-time.Hour), End: now})
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, texts(got))
	require.NoError(t, s2.Append(ctx, ev(now, "c", "kind", "z")))
	got, err = s2.Query(ctx, Query{Start: now.Add(-time.Hour), End: now, Matchers: `{kind=~"x|z"}`, Direction: Forward})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "c"}, texts(got))
	assert.Positive(t, orphanEvents.Get()-before)
}

func TestReopenKeepsStreamsAndEvents(t *testing.T) {
	dir := t.TempDir()
	now := at("2026-11-27 14:05:09.000")
	ctx := context.Background()
	s, err := Open(Options{Dir: dir, Now: func() time.Time { return now }})
	require.NoError(t, err)
	require.NoError(t, s.Append(ctx,
		ev(now.Add(-3*time.Second), "插件离线", "district", "卢氏县", "kind", "agent"),
		ev(now.Add(-2*time.Second), "链路中断", "district", "灵宝市", "kind", "snmp"),
	))
	require.NoError(t, s.Close())
	require.Error(t, s.Append(ctx, ev(now, "after close")), "a closed store refuses appends")

	s2 := openTest(t, dir, func() time.Time { return now }, nil)
	require.NoError(t, s2.Append(ctx,
		ev(now.Add(-time.Second), "插件恢复", "district", "卢氏县", "kind", "agent"),
		ev(now, "新设备", "district", "陕州区", "kind", "device"),
	))
	got, err := s2.Query(ctx, Query{Start: now.Add(-time.Hour), End: now, Matchers: `{district="卢氏县"}`, Direction: Forward})
	require.NoError(t, err)
	assert.Equal(t, []string{"插件离线", "插件恢复"}, texts(got))
	streams, _, err := loadStreams(filepath.Join(dir, dayOf(now), streamsFile), nil)
	require.NoError(t, err)
	assert.Len(t, streams, 3, "an existing label set keeps its id after reopen")
	got, err = s2.Query(ctx, Query{Start: now.Add(-time.Hour), End: now})
	require.NoError(t, err)
	assert.Len(t, got, 4)
	assert.Equal(t, map[string]string{"district": "陕州区", "kind": "device"}, got[0].Labels)
}

func appendFile(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write(b)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}
