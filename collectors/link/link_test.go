package link

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

func TestCollect(t *testing.T) {
	rec, err := round(t, goodTarget("city-hubin-1"))
	require.NoError(t, err)
	info := `swanwatch_link_info{a_device="sx-core-01",a_ifname="GE1/0/1",b_device="hubin-agg-01",b_ifname="GE0/0/1",group="city-hubin",link="city-hubin-1"}`
	bw := `swanwatch_link_bandwidth_bits_per_second{link="city-hubin-1"}`
	assert.Equal(t, []string{bw, info}, rec.Series())
	v, _ := rec.Value(info)
	assert.Equal(t, 1.0, v)
	v, _ = rec.Value(bw)
	assert.Equal(t, 1e9, v)
	assert.Empty(t, rec.Problems())

	exit := goodTarget("exit-telecom")
	exit.Params = map[string]string{"a_device": "sx-exit-01", "a_ifname": "XGE0/0/1", "isp": "电信", "bandwidth_bps": "5e8"}
	rec, err = round(t, exit)
	require.NoError(t, err)
	assert.Equal(t, []string{`swanwatch_link_bandwidth_bits_per_second{link="exit-telecom"}`,
		`swanwatch_link_info{a_device="sx-exit-01",a_ifname="XGE0/0/1",isp="电信",link="exit-telecom"}`}, rec.Series(),
		"an exit without a b end: empty labels are left out")
}

func TestBadTargets(t *testing.T) {
	tests := []struct {
		name   string
		change func(*collectors.Target)
		want   []string
	}{
		{"no params", func(t *collectors.Target) { t.Params = nil },
			[]string{"param a_device is empty", "param a_ifname is empty", "param bandwidth_bps is empty"}},
		{"bad bandwidth", func(t *collectors.Target) { t.Params["bandwidth_bps"] = "1G" },
			[]string{`param bandwidth_bps "1G" is not a positive number of bits per second`}},
		{"zero bandwidth", func(t *collectors.Target) { t.Params["bandwidth_bps"] = "0" }, []string{`"0" is not a positive number`}},
		{"infinite bandwidth", func(t *collectors.Target) { t.Params["bandwidth_bps"] = "+Inf" }, []string{`"+Inf" is not a positive number`}},
		{"typo", func(t *collectors.Target) { t.Params["b_ifnmae"] = "x" }, []string{`unknown param "b_ifnmae"`}},
		{"clash", func(t *collectors.Target) { t.Labels["group"] = "g" }, []string{`target label "group" clashes with a label of swanwatch_link_info`}},
	}
	bad := metrics.GetOrCreateCounter(`swanwatch_link_bad_targets_total`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tgt := goodTarget("l-1")
			tt.change(&tgt)
			before := bad.Get()
			rec, err := round(t, tgt)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "link l-1: "), err.Error())
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.Empty(t, rec.Series(), "a bad target emits nothing")
			assert.Equal(t, before+1, bad.Get(), "counted in own metrics")
		})
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := collectortest.NewRecorder(goodTarget("l-1"))
	err := New(Config{}).Collect(ctx, goodTarget("l-1"), rec.Emit)
	rec.Close()
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, rec.Series())
}

func TestConfig(t *testing.T) {
	c := Config{}.WithDefaults()
	require.NoError(t, c.Validate())
	assert.Equal(t, time.Minute, c.Interval)
	assert.Equal(t, 48*time.Second, c.Timeout)
	c.Interval = 10 * time.Millisecond
	assert.ErrorContains(t, c.Validate(), "below the 1s minimum")
}

// TestContract runs the collector contract suite. The kind dials nothing, so
// there is no peer: the "silent" target is one whose params are incomplete,
// which fails at once — the silent-peer case is trivially satisfied.
func TestContract(t *testing.T) {
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: "link",
		New:  func() collectors.Collector { return New(Config{}) },
		Target: func(*testing.T) collectors.Target {
			n++
			tgt := goodTarget(fmt.Sprintf("link-%d", n))
			tgt.Params["bandwidth_bps"] = fmt.Sprint(n * 1e6)
			return tgt
		},
		Silent: func(*testing.T) collectors.Target {
			return collectors.Target{Kind: "link", Name: "silent", Params: map[string]string{}}
		},
	})
}

// FuzzParams: arbitrary params never panic; a round either fails and emits
// nothing, or emits exactly the two series with a positive finite bandwidth.
func FuzzParams(f *testing.F) {
	f.Add("sx-core-01", "GE1/0/1", "1e9", "group", "g")
	f.Add("", "", "", "", "")
	f.Add("d", "i", "NaN", "link", "x")
	f.Add("d", "i", "-0", "b_device", "")
	f.Fuzz(func(t *testing.T, dev, ifname, bps, extraKey, extraVal string) {
		tgt := collectors.Target{Kind: "link", Name: "l", Labels: map[string]string{},
			Params: map[string]string{"a_device": dev, "a_ifname": ifname, "bandwidth_bps": bps, extraKey: extraVal}}
		rec, err := round(t, tgt)
		if len(rec.Problems()) != 0 {
			t.Fatalf("contract problems: %v", rec.Problems())
		}
		if err != nil {
			if len(rec.Series()) != 0 {
				t.Fatalf("a failed round emitted %v", rec.Series())
			}
			return
		}
		v, ok := rec.Value(`swanwatch_link_bandwidth_bits_per_second{link="l"}`)
		if len(rec.Series()) != 2 || !ok || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			t.Fatalf("series %v, bandwidth %v", rec.Series(), v)
		}
	})
}
