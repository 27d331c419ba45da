package vsphere

import (
	"strings"
	"testing"
	"time"

	"github.com/vmware/govmomi/vim25/types"
)

// FuzzParseLabelSource: system_from / dept_from never panic; what is
// accepted has a kind and, except folder, a name.
func FuzzParseLabelSource(f *testing.F) {
	for _, s := range []string{"tag:业务系统", "attribute:部门", "folder", "tag:", ":x", "label:x", "tag:a\x00b", " folder "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		src, err := ParseLabelSource(s)
		if err != nil {
			if src != (labelSource{}) {
				t.Fatalf("%q: error with a value", s)
			}
			return
		}
		if src.kind == 0 || (src.kind != fromFolder && src.name == "") {
			t.Fatalf("%q accepted as %+v", s, src)
		}
	})
}

// FuzzParams: an address and params never panic, and a password written
// into the address never shows in the error.
func FuzzParams(f *testing.F) {
	f.Add("https://vc.example/sdk", "tag:业务系统", "256", "true", "5m")
	f.Add("https://root:PW-xyz@vc/sdk", "folder", "-1", "yes", "1s")
	f.Add("vc.example", "", "", "", "")
	f.Fuzz(func(t *testing.T, addr, from, maxQ, skip, every string) {
		p, err := parseParams(addr, map[string]string{ParamSystemFrom: from, ParamMaxQueryMetrics: maxQ,
			ParamTLSSkipVerify: skip, ParamHistoricalEvery: every})
		if err != nil {
			if strings.Contains(addr, "PW-xyz") && strings.Contains(err.Error(), "PW-xyz") {
				t.Fatalf("password in error: %v", err)
			}
			return
		}
		if p.url == nil || p.url.User != nil || p.maxQueryMetrics < 1 {
			t.Fatalf("accepted %q as %+v", addr, p)
		}
	})
}

// FuzzEventTypeID: the mapping ignores ASCII case.
func FuzzEventTypeID(f *testing.F) {
	for id := range platformEvents {
		f.Add(id)
	}
	f.Add("com.vmware.vc.HA.DasHostFailedEvent")
	f.Fuzz(func(t *testing.T, id string) {
		if MapEventTypeID(id) != MapEventTypeID(strings.ToLower(id)) {
			t.Fatalf("%q maps by case", id)
		}
	})
}

// FuzzBatches: batches cover every query once, in order, and none holds
// more metrics than allowed unless a single entity alone has more.
func FuzzBatches(f *testing.F) {
	f.Add([]byte{8, 8, 8, 4, 200}, 16)
	f.Add([]byte{0, 1}, 1)
	f.Fuzz(func(t *testing.T, per []byte, limit int) {
		if limit < 1 || limit > 1<<20 || len(per) > 5000 {
			return
		}
		bs := Batches(len(per), func(i int) int { return int(per[i]) }, limit)
		next := 0
		for _, b := range bs {
			if b[0] != next || b[1] <= b[0] {
				t.Fatalf("batches %v do not tile 0..%d", bs, len(per))
			}
			sum := 0
			for _, k := range per[b[0]:b[1]] {
				sum += int(k)
			}
			if sum > limit && b[1]-b[0] > 1 {
				t.Fatalf("batch %v holds %d > %d metrics", b, sum, limit)
			}
			next = b[1]
		}
		if next != len(per) {
			t.Fatalf("batches %v end at %d, not %d", bs, next, len(per))
		}
	})
}

// FuzzKeep: perf results of any shape (ids, instances, lengths, -1) never
// panic and keep only known counters.
func FuzzKeep(f *testing.F) {
	f.Add([]byte{2, 1, 5, 0xff}, "", uint8(3))
	f.Fuzz(func(t *testing.T, raw []byte, inst string, samples uint8) {
		s := &sessionState{counters: newCounterTable([]types.PerfCounterInfo{{Key: 2, RollupType: "average",
			GroupInfo: &types.ElementDescription{Key: "cpu"}, NameInfo: &types.ElementDescription{Key: "usage"}}})}
		info := make([]types.PerfSampleInfo, int(samples)%8)
		for i := range info {
			info[i].Timestamp = time.Unix(int64((int(samples)*i)%7)*20, 0)
		}
		var series []types.BasePerfMetricSeries
		for i := 0; i+1 < len(raw); i += 2 {
			vals := make([]int64, int(raw[i+1])%9)
			for j := range vals {
				vals[j] = int64(raw[(i+j)%len(raw)]) - 128
			}
			series = append(series, &types.PerfMetricIntSeries{PerfMetricSeries: types.PerfMetricSeries{
				Id: types.PerfMetricId{CounterId: int32(raw[i] % 4), Instance: inst}}, Value: vals})
		}
		out := perfValues{}
		s.keep(out, []types.BasePerfEntityMetricBase{&types.PerfEntityMetric{SampleInfo: info, Value: series}, nil})
		for _, m := range out {
			for k, v := range m {
				if k.counter != cCPUUsage || v < 0 {
					t.Fatalf("kept %v = %v", k, v)
				}
			}
		}
	})
}
