package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummarizeNearestRank(t *testing.T) {
	ms := func(vs ...int) []time.Duration {
		out := make([]time.Duration, len(vs))
		for i, v := range vs {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100 … 1 ms, unsorted on purpose
	}
	cases := []struct {
		name string
		in   []time.Duration
		want Latency
	}{
		{"empty", nil, Latency{Missing: 3}},
		{"one", ms(7), Latency{N: 1, Missing: 3, Min: .007, P50: .007, P90: .007, P99: .007, Max: .007}},
		{"1…100 ms", ms(hundred...), Latency{N: 100, Missing: 3, Min: .001, P50: .05, P90: .09, P99: .099, Max: .1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, summarize(c.in, 3))
		})
	}
}

func TestParseSendsRejectsBadLines(t *testing.T) {
	cases := []struct{ line, err string }{
		{"trap 1700000000000000000", "got 2 fields"},
		{"trap soon ifname=a", "not positive Unix nanoseconds"},
		{"trap -5 ifname=a", "not positive Unix nanoseconds"},
		{"trap 1700000000000000000 ifname", `"ifname" is not name=value`},
		{"trap 1700000000000000000 =x", `"=x" is not name=value`},
	}
	for _, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			_, err := parseSends(strings.NewReader("# header\n\n" + c.line + "\n"))
			require.ErrorContains(t, err, "sends line 3: ")
			require.ErrorContains(t, err, c.err)
		})
	}
	s, err := parseSends(strings.NewReader("trap 1700000000000000000 alertname=A,ifname=GE0/0/1\n"))
	require.NoError(t, err)
	require.Equal(t, []Send{{Path: "trap", At: time.Unix(0, 1700000000000000000),
		Labels: map[string]string{"alertname": "A", "ifname": "GE0/0/1"}}}, s)
}

// writeInputs writes a log of recs and the other inputs into a directory.
func writeInputs(t *testing.T, recs []Record, sends, incidents string) Inputs {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	for _, r := range recs {
		line, err := json.Marshal(r)
		require.NoError(t, err)
		b.Write(append(line, '\n'))
	}
	in := Inputs{Log: filepath.Join(dir, "log"), MaxDup: 1}
	require.NoError(t, os.WriteFile(in.Log, []byte(b.String()), 0o644))
	if sends != "" {
		in.Sends = filepath.Join(dir, "sends")
		require.NoError(t, os.WriteFile(in.Sends, []byte(sends), 0o644))
	}
	if incidents != "" {
		in.Incidents = filepath.Join(dir, "incidents")
		require.NoError(t, os.WriteFile(in.Incidents, []byte(incidents), 0o644))
	}
	return in
}

var t0 = time.Unix(1_700_000_000, 0)

func rec(atMs int, key string, inc int64, st string, fp string, labels map[string]string) Record {
	return Record{At: t0.Add(time.Duration(atMs) * time.Millisecond), Path: "/hook", Key: key, Status: st,
		Incident: inc, Step: 0, Alerts: []AlertRecord{{Fingerprint: fp, Status: st, Labels: labels}}}
}

func TestReportLatencyUsesTheFirstAnnouncementAfterTheSend(t *testing.T) {
	a := map[string]string{"alertname": "InterfaceDown", "ifname": "GE0/0/1"}
	b := map[string]string{"alertname": "InterfaceDown", "ifname": "GE0/0/2"}
	recs := []Record{
		rec(-500, "old", 9, "firing", "fa", a), // an earlier fault of the same alert: not this one's
		rec(120, "k1", 1, "firing", "fa", a),
		rec(300, "k1", 1, "firing", "fa", a), // a retry: latency counts the first
		rec(400, "k2", 2, "resolved", "fb", b),
	}
	sends := fmt.Sprintf("trap %d ifname=GE0/0/1\ntrap %d ifname=GE0/0/2\n", t0.UnixNano(), t0.UnixNano())
	in := writeInputs(t, recs, sends, "")
	rep, err := buildReport(in)
	require.NoError(t, err)
	assert.Contains(t, rep.Problems, "1 (alert, state) announced in more than 2 POSTs (max 3)")
	in.MaxDup = -1 // the two firings of GE0/0/1 are two faults here, not a repeat
	rep, err = buildReport(in)
	require.NoError(t, err)
	assert.Equal(t, Latency{N: 1, Missing: 1, Min: .12, P50: .12, P90: .12, P99: .12, Max: .12}, rep.Latency["trap"])
	assert.False(t, rep.OK)
	assert.Equal(t, []string{"trap: 1 of 2 faults never announced"}, rep.Problems)
}

func TestReportCountsLossAndRepeats(t *testing.T) {
	l := map[string]string{"alertname": "InterfaceDown"}
	incidents := `[{"id":1,"fingerprint":"f1","resolved_at":"2026-01-01T00:00:00Z"},
	               {"id":2,"fingerprint":"f2"},{"id":3,"fingerprint":"f3","resolved_at":"2026-01-01T00:00:00Z"}]`
	cases := []struct {
		name     string
		recs     []Record
		ok       bool
		lostFire []int64
		lostRes  []int64
		maxPosts int
		keys     int
	}{
		{"all announced once", []Record{rec(1, "a", 1, "firing", "f1", l), rec(2, "b", 1, "resolved", "f1", l),
			rec(3, "c", 2, "firing", "f2", l), rec(4, "d", 3, "firing", "f3", l), rec(5, "e", 3, "resolved", "f3", l)},
			true, []int64{}, []int64{}, 1, 5},
		{"one repeat is allowed", []Record{rec(1, "a", 1, "firing", "f1", l), rec(2, "a", 1, "firing", "f1", l),
			rec(3, "b", 1, "resolved", "f1", l), rec(4, "c", 2, "firing", "f2", l), rec(5, "d", 3, "firing", "f3", l),
			rec(6, "e", 3, "resolved", "f3", l)}, true, []int64{}, []int64{}, 2, 5},
		{"two repeats are not", []Record{rec(1, "a", 1, "firing", "f1", l), rec(2, "a", 1, "firing", "f1", l),
			rec(3, "a", 1, "firing", "f1", l), rec(4, "b", 1, "resolved", "f1", l), rec(5, "c", 2, "firing", "f2", l),
			rec(6, "d", 3, "firing", "f3", l), rec(7, "e", 3, "resolved", "f3", l)}, false, []int64{}, []int64{}, 3, 5},
		{"lost firing and resolved", []Record{rec(1, "a", 1, "firing", "f1", l), rec(2, "b", 3, "firing", "f3", l)},
			false, []int64{2}, []int64{1, 3}, 1, 2},
		{"matched by fingerprint without SwanWatch fields", []Record{rec(1, "a", 0, "firing", "f1", l),
			rec(2, "b", 0, "resolved", "f1", l), rec(3, "c", 0, "firing", "f2", l), rec(4, "d", 0, "firing", "f3", l),
			rec(5, "e", 0, "resolved", "f3", l)}, true, []int64{}, []int64{}, 0, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := buildReport(writeInputs(t, c.recs, "", incidents))
			require.NoError(t, err)
			assert.Equal(t, c.ok, rep.OK, "problems: %v", rep.Problems)
			assert.Equal(t, c.lostFire, rep.Incidents.LostFiring)
			assert.Equal(t, c.lostRes, rep.Incidents.LostResolved)
			assert.Equal(t, c.maxPosts, rep.StepStates.MaxPosts)
			assert.Equal(t, len(c.recs), rep.Posts)
			assert.Equal(t, c.keys, rep.DistinctKeys)
			assert.Equal(t, min(c.maxPosts, 1), rep.StepStates.MaxKeys, "a repeat under the same key is one key")
		})
	}
}

func FuzzParseSend(f *testing.F) {
	f.Add("trap 1700000000000000000 alertname=A,ifname=GE0/0/1")
	f.Add("poll 1 instance=127.0.0.1:9100")
	f.Fuzz(func(t *testing.T, line string) {
		s, err := parseSend(line)
		if err != nil {
			return
		}
		require.Positive(t, s.At.UnixNano())
		require.NotEmpty(t, s.Labels)
		for k := range s.Labels {
			require.NotEmpty(t, k)
		}
	})
}

// __path__ tells two senders of the same alert apart; the table lists one
// line per path in name order.
func TestReportPathMatcherAndTable(t *testing.T) {
	l := map[string]string{"alertname": "AgentOffline", "instance": "vm-1"}
	am := rec(2000, "", 0, "firing", "fp-am", l)
	am.Path = "/am"
	recs := []Record{rec(250, "k", 1, "firing", "fp-sw", l), am}
	sends := fmt.Sprintf("poll-swanwatch %d __path__=/hook,instance=vm-1\npoll-anchor %d __path__=/am,instance=vm-1\n",
		t0.UnixNano(), t0.UnixNano())
	rep, err := buildReport(writeInputs(t, recs, sends, ""))
	require.NoError(t, err)
	assert.Equal(t, .25, rep.Latency["poll-swanwatch"].Max)
	assert.Equal(t, 2.0, rep.Latency["poll-anchor"].Max)

	var b strings.Builder
	require.NoError(t, writeTable(&b, rep))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 3)
	assert.Equal(t, []string{"poll-anchor", "1", "0", "2.000", "2.000", "2.000", "2.000", "2.000"}, strings.Fields(lines[1]))
	assert.Equal(t, []string{"poll-swanwatch", "1", "0", "0.250", "0.250", "0.250", "0.250", "0.250"}, strings.Fields(lines[2]))
}

func TestParseIncidentsShapes(t *testing.T) {
	cases := []struct {
		name, in string
		ids      []int64
		err      string
	}{
		{"bare array", `[{"id":1,"fingerprint":"a"},{"id":2}]`, []int64{1, 2}, ""},
		{"API answer", `{"data":{"incidents":[{"id":7,"resolved_at":"2026-01-01T00:00:00Z"}]}}`, []int64{7}, ""},
		{"empty API answer", `{"data":{"incidents":[]}}`, []int64{}, ""},
		{"no data", `{"status":"error"}`, nil, "want an array"},
		{"not JSON", `[{"id":`, nil, "decode incidents"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			incs, err := parseIncidents(strings.NewReader(c.in))
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			ids := []int64{}
			for _, i := range incs {
				ids = append(ids, i.ID)
			}
			assert.Equal(t, c.ids, ids)
		})
	}
}

func FuzzParseIncidents(f *testing.F) {
	f.Add(`{"data":{"incidents":[{"id":7,"fingerprint":"x","resolved_at":"2026-01-01T00:00:00Z"}]}}`)
	f.Add(`[{"id":1}]`)
	f.Fuzz(func(t *testing.T, in string) {
		incs, err := parseIncidents(strings.NewReader(in))
		if err != nil {
			return
		}
		// What was read survives a round trip through the bare-array shape.
		again, err := json.Marshal(incs)
		require.NoError(t, err)
		back, err := parseIncidents(strings.NewReader(string(again)))
		require.NoError(t, err)
		require.Len(t, back, len(incs))
		for i := range incs {
			require.Equal(t, incs[i].ID, back[i].ID)
			require.Equal(t, incs[i].Fingerprint, back[i].Fingerprint)
		}
	})
}
