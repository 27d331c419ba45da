package logstore

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ageFiles makes every day file look unwritten for an hour before now, as
// compaction waits for a quiet day.
func ageFiles(t testing.TB, dir string, now time.Time) {
	t.Helper()
	old := now.Add(-time.Hour)
	require.NoError(t, filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			return os.Chtimes(path, old, old)
		}
		return err
	}))
}

// threeDays stores n events on each of 2026-11-25, -26 and -27 (today), with a
// few label sets, and returns them oldest first.
func threeDays(t *testing.T, s *Store, n int) []Event {
	t.Helper()
	var all []Event
	for _, d := range []string{"2026-11-25", "2026-11-26", "2026-11-27"} {
		start := at(d + " 00:00:00.000")
		var evs []Event
		for i := range n {
			evs = append(evs, ev(start.Add(time.Duration(i)*(12*time.Hour)/time.Duration(n)), fmt.Sprintf("%s 防火墙会话 %d", d, i),
				"district", benchDistricts[i%3], "instance", fmt.Sprintf("fw-%d", i%4), "severity", []string{"info", "major"}[i%2]))
		}
		require.NoError(t, s.Append(context.Background(), evs...))
		all = append(all, evs...)
	}
	return all
}

func allForward(t *testing.T, s *Store, q Query) []Event {
	t.Helper()
	q.Start, q.End, q.Direction, q.Limit = at("2026-11-01 00:00:00.000"), at("2026-11-28 00:00:00.000"), Forward, MaxLimit
	got, err := s.Query(context.Background(), q)
	require.NoError(t, err)
	return got
}

func TestCompactRoundTripAndRanges(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-27 14:00:00.000")}
	s := openTest(t, dir, clk.Now, nil)
	smallBlocks(t)
	const n = 3000 // several blocks per day
	in := threeDays(t, s, n)
	before := allForward(t, s, Query{})
	require.Len(t, before, len(in))
	rawBytes := dirBytes(filepath.Join(dir, "2026-11-25"))

	ageFiles(t, dir, clk.Now())
	require.NoError(t, s.Compact(context.Background()))
	for day, compressed := range map[string]bool{"2026-11-25": true, "2026-11-26": true, "2026-11-27": false} {
		_, errZ := os.Stat(filepath.Join(dir, day, swzName))
		_, errL := os.Stat(filepath.Join(dir, day, eventsFile))
		assert.Equal(t, compressed, errZ == nil, "%s compressed", day)
		assert.Equal(t, !compressed, errL == nil, "%s keeps its events.log only while current", day)
	}
	zBytes := dirBytes(filepath.Join(dir, "2026-11-25"))
	assert.Less(t, zBytes*3, rawBytes, "compression saves at least two thirds: %d → %d bytes", rawBytes, zBytes)

	after := allForward(t, s, Query{})
	assert.Equal(t, before, after, "every event, its labels and order survive compaction")
	assert.Equal(t, allForward(t, s, Query{Matchers: `{instance="fw-2"}`, Text: "会话 1"}),
		filter(before, func(e Event) bool { return e.Labels["instance"] == "fw-2" && containsText(e.Text, "会话 1") }))

	// A query for one hour of a compressed day reads only that day, and within
	// it only the blocks that can hold the hour.
	scanned, skipped := queryScanned.Get(), blocksSkipped.Get()
	got, err := s.Query(context.Background(), Query{Start: at("2026-11-26 03:00:00.000"), End: at("2026-11-26 04:00:00.000")})
	require.NoError(t, err)
	assert.Len(t, got, n/12+1)
	assert.Less(t, queryScanned.Get()-scanned, uint64(n/4), "only a few blocks of one day are read")
	assert.Greater(t, len(compressedBlocks(t, filepath.Join(dir, "2026-11-26"))), 8)
	assert.Positive(t, blocksSkipped.Get()-skipped)
	for _, e := range got {
		assert.Equal(t, "2026-11-26", dayOf(e.Time))
	}
}

// smallBlocks makes a few thousand events fill several blocks.
func smallBlocks(t *testing.T) {
	old := blockRaw
	blockRaw = 16 << 10
	t.Cleanup(func() { blockRaw = old })
}

func filter(evs []Event, keep func(Event) bool) []Event {
	out := []Event{}
	for _, e := range evs {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

func compressedBlocks(t *testing.T, dir string) []block {
	t.Helper()
	z, err := openSWZ(filepath.Join(dir, swzName))
	require.NoError(t, err)
	require.NotNil(t, z)
	defer z.close()
	return z.ix.events
}

func containsText(s, sub string) bool { return newFolder(sub).contains([]byte(s)) }

func TestLateEventForCompressedDay(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-27 14:00:00.000")}
	s := openTest(t, dir, clk.Now, nil)
	threeDays(t, s, 50)
	ageFiles(t, dir, clk.Now())
	require.NoError(t, s.Compact(context.Background()))

	// A page taken while the day is compressed, the next after more compaction:
	// the cursor's position survives the rewrite.
	q := Query{Start: at("2026-11-25 00:00:00.000"), End: at("2026-11-25 23:59:59.000"), Limit: 20}
	page1, err := s.Search(context.Background(), q)
	require.NoError(t, err)
	require.NotEmpty(t, page1.Next)

	late := at("2026-11-25 23:00:00.000")
	require.NoError(t, s.Append(context.Background(),
		ev(late, "迟到的旧标签事件", "district", benchDistricts[0], "instance", "fw-0", "severity", "info"),
		ev(late.Add(time.Second), "迟到的新标签事件", "instance", "fw-new", "class", "fw_deny")))
	got, err := s.Query(context.Background(), Query{Start: q.Start, End: q.End, Matchers: `{instance=~"fw-0|fw-new"}`, Direction: Forward})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"instance": "fw-new", "class": "fw_deny"}, got[len(got)-1].Labels,
		"a new label set of the live tail does not collide with the compressed day's ids")
	assert.Equal(t, "迟到的旧标签事件", got[len(got)-2].Text)
	beforeMerge := allForward(t, s, Query{})

	ageFiles(t, dir, clk.Now())
	require.NoError(t, s.Compact(context.Background()))
	_, err = os.Stat(filepath.Join(dir, "2026-11-25", eventsFile))
	require.ErrorIs(t, err, os.ErrNotExist, "the tail was merged into the day file")
	assert.Equal(t, beforeMerge, allForward(t, s, Query{}))

	q.Cursor = page1.Next
	page2, err := s.Search(context.Background(), q)
	require.NoError(t, err)
	whole, err := s.Query(context.Background(), Query{Start: q.Start, End: q.End, Limit: 42})
	require.NoError(t, err)
	assert.Equal(t, texts(page1.Events), texts(whole[2:22]), "the two late events are the newest")
	assert.Equal(t, texts(whole[22:42]), texts(page2.Events), "page 2 continues page 1 across the rewrite")
}

// The crash test runs compaction in a child process (this test binary again) that
// exits on the spot at a named step: no deferred cleanup, no Close, as in a kill.
const (
	crashChildEnv = "LOGSTORE_TEST_CRASH_AT"
	crashDirEnv   = "LOGSTORE_TEST_CRASH_DIR"
	crashExit     = 3
)

var crashClock = at("2026-11-27 14:00:00.000")

func crashChild(step, dir string) int {
	s, err := Open(Options{Dir: dir, Now: func() time.Time { return crashClock }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	compactCrash = func(at string) {
		if at == step {
			os.Exit(crashExit)
		}
	}
	fmt.Fprintln(os.Stderr, "compaction ended without reaching", step, s.Compact(context.Background()))
	return 1
}

func TestCompactionCrashLosesNothing(t *testing.T) {
	for _, step := range []string{"block written", "before swap", "between renames", "after swap"} {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(Options{Dir: dir, Now: func() time.Time { return crashClock }})
			require.NoError(t, err)
			threeDays(t, s, 2000)
			want := allForward(t, s, Query{})
			ageFiles(t, dir, crashClock)
			require.NoError(t, s.Close())

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+step, crashDirEnv+"="+dir)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "child output: %s", out)
			require.Equal(t, crashExit, exit.ExitCode(), "the child died at %q: %s", step, out)

			s2 := openTest(t, dir, func() time.Time { return crashClock }, nil)
			assert.Equal(t, want, allForward(t, s2, Query{}), "every event once, after the crash")
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			for _, e := range entries {
				assert.True(t, isDay(e.Name()), "recovery leaves no %s", e.Name())
			}
			ageFiles(t, dir, crashClock)
			require.NoError(t, s2.Compact(context.Background()))
			assert.Equal(t, want, allForward(t, s2, Query{}), "and a later compaction completes")
			_, err = os.Stat(filepath.Join(dir, "2026-11-25", swzName))
			assert.NoError(t, err)
		})
	}
}

func TestCompactWaitsForQuietDayAndAbortsOnAppend(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-27 14:00:00.000")}
	s := openTest(t, dir, clk.Now, nil)
	threeDays(t, s, 10)
	require.NoError(t, os.Chtimes(filepath.Join(dir, "2026-11-25", eventsFile), clk.Now(), clk.Now()))
	require.NoError(t, s.Compact(context.Background()))
	_, err := os.Stat(filepath.Join(dir, "2026-11-25", swzName))
	assert.ErrorIs(t, err, os.ErrNotExist, "a day written within compactQuiet waits")

	// An append between the copy and the swap aborts the swap: the event is kept.
	ageFiles(t, dir, clk.Now())
	before := liveSizes(filepath.Join(dir, "2026-11-25"))
	require.NoError(t, compactDir(filepath.Join(dir, "2026-11-25"), filepath.Join(dir, "2026-11-25"+tmpSuffix)))
	require.NoError(t, s.Append(context.Background(), ev(at("2026-11-25 20:00:00.000"), "复制期间到达", "instance", "fw-9")))
	dayDir := filepath.Join(dir, "2026-11-25")
	require.ErrorIs(t, s.swapLocked("2026-11-25", dayDir, dayDir+tmpSuffix, dayDir+oldSuffix, before), errDayChanged)
	require.NoError(t, os.RemoveAll(dayDir+tmpSuffix))
	assert.Len(t, allForward(t, s, Query{Text: "复制期间到达"}), 1)
}
