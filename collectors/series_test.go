package collectors

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNames(t *testing.T) {
	cases := []struct {
		s                    string
		metric, label, resvd bool
	}{
		{"node_load1", true, true, false},
		{"ns:rule:rate5m", true, false, false},
		{"_x", true, true, false},
		{"__name__", true, true, true},
		{"instance", true, true, true},
		{"kind", true, true, true},
		{"1abc", false, false, false},
		{"a-b", false, false, false},
		{"", false, false, false},
		{"温度", false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.s, func(t *testing.T) {
			assert.Equal(t, tc.metric, ValidMetricName(tc.s), "metric")
			assert.Equal(t, tc.label, ValidLabelName(tc.s), "label")
			assert.Equal(t, tc.resvd, ReservedLabelName(tc.s), "reserved")
		})
	}
}

// FuzzEmit feeds arbitrary emit calls through the validation path: a sample is
// either dropped or comes out with sorted, valid, unique labels that include the
// target's.
func FuzzEmit(f *testing.F) {
	f.Add("m", "a", "1", "b", "2")
	f.Add("m", "district", "x", "a", "")
	f.Add("up", "__name__", "x", "a", "\xff")
	f.Add("m", "b", "2", "a", "1")
	f.Fuzz(func(t *testing.T, metric, n1, v1, n2, v2 string) {
		tl := []Label{{"district", "湖滨区"}, {"instance", "t"}, {"kind", "k"}}
		drops := 0
		s := newSeriesSet(tl, func(string) { drops++ })
		s.begin()
		s.emit(metric, 1, n1, v1, n2, v2)
		s.emit(metric, 2, n2, v2, n1, v1) // same series again: a duplicate
		s.end()
		out := s.finish(true, 1, 0)
		require.Len(t, out, 3+2-drops)
		for _, smp := range out {
			seen := map[string]bool{}
			for i, l := range smp.Labels {
				require.True(t, ValidLabelName(l.Name), l.Name)
				require.False(t, seen[l.Name], "repeated %s", l.Name)
				seen[l.Name] = true
				if i > 0 {
					require.Less(t, smp.Labels[i-1].Name, l.Name)
				}
			}
			require.True(t, seen["__name__"] && seen["district"] && seen["kind"])
		}
		require.LessOrEqual(t, len(out), 4, "a second emit of one series never passes")
	})
}

func TestSeriesSetReusesLabelSlices(t *testing.T) {
	s := newSeriesSet([]Label{{"instance", "t"}, {"kind", "k"}}, func(string) {})
	var first []Sample
	for round := range 3 {
		s.begin()
		s.emit("m", float64(round), "a", "1")
		s.end()
		out := s.finish(true, 1, 0)
		if round == 0 {
			first = append(first, out...)
			continue
		}
		assert.Same(t, &first[0].Labels[0], &out[0].Labels[0], "built once, reused")
	}
}

// BenchmarkRound measures the emit path of one round of a 50-series target (an
// agent VM) and of a 2,000-series target (a core switch with 200 interfaces).
func BenchmarkRound(b *testing.B) {
	for _, n := range []int{50, 2000} {
		b.Run(fmt.Sprintf("series=%d", n), func(b *testing.B) {
			tl := []Label{{"district", "湖滨区"}, {"instance", "vm-1"}, {"kind", "agent"}, {"level", "city"}, {"site", "dc1"}}
			s := newSeriesSet(tl, func(string) {})
			names := make([]string, n)
			for i := range names {
				names[i] = "GE0/0/" + strings.Repeat("1", i%3) + fmt.Sprint(i)
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				s.begin()
				for j, ifname := range names {
					s.emit("if_in_octets_total", float64(i+j), "ifname", ifname, "ifalias", "uplink")
				}
				s.end()
				s.finish(true, 1, 0.01)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/sample")
		})
	}
}
