package netprobe

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestJitterHandComputed checks jitter against sequences worked out by hand:
// J1 = |D1|, then J += (|D| - J)/16.
func TestJitterHandComputed(t *testing.T) {
	cases := []struct {
		name     string
		transits []float64 // seconds, in order of arrival
		want     float64
	}{
		{"none", nil, math.NaN()},
		{"one", []float64{0.030}, math.NaN()},
		{"two: the first difference", []float64{0.030, 0.046}, 0.016},
		// D = 16, 16 ms: J = 16, then 16 + (16-16)/16 = 16 ms.
		{"constant swing", []float64{0.030, 0.046, 0.030}, 0.016},
		// D = 10, 0, 20 ms: J = 10; 10 + (0-10)/16 = 9.375; 9.375 + (20-9.375)/16 = 10.0390625 ms.
		{"mixed", []float64{0.040, 0.050, 0.050, 0.030}, 0.0100390625},
		// Constant delay: no jitter whatever the delay.
		{"constant", []float64{0.037, 0.037, 0.037, 0.037}, 0},
		// D = 4, 4, 4, 100 ms: J = 4, 4, 4, then 4 + 96/16 = 10 ms — one spike moves J by 1/16 of it.
		{"spike", []float64{0.010, 0.014, 0.010, 0.014, 0.114}, 0.010},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := jitter(c.transits)
			if math.IsNaN(c.want) {
				assert.True(t, math.IsNaN(got), "got %v", got)
				return
			}
			assert.InDelta(t, c.want, got, 1e-12)
		})
	}
}

func TestSummarize(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	at := func(n int) time.Time { return t0.Add(ms(n)) }
	var zero time.Time
	t.Run("loss, rtt and arrival order", func(t *testing.T) {
		// Requests at 0, 100, 200, 300 ms; replies after 40 ms, none, 30 ms and
		// 250 ms. Transits 40, 30, 250 → D 10, 220 → J = 10 + (220-10)/16 ms.
		sent := []time.Time{at(0), at(100), at(200), at(300)}
		recv := []time.Time{at(40), zero, at(230), at(550)}
		st := summarize(sent, recv)
		assert.Equal(t, 4, st.Sent)
		assert.Equal(t, 3, st.Received)
		assert.InDelta(t, 0.25, st.Loss(), 1e-12)
		assert.Equal(t, ms(30), st.Min)
		assert.Equal(t, ms(250), st.Max)
		assert.Equal(t, ms(320)/3, st.Avg)
		assert.InDelta(t, 0.010+0.210/16, st.Jitter, 1e-12)
	})
	t.Run("reordered replies count in arrival order", func(t *testing.T) {
		// seq 0 takes 150 ms and arrives after seq 1 (10 ms): arrival order is
		// seq 1 (transit 10), seq 0 (150), seq 2 (20) → D 140, 130 → J 140 + (130-140)/16.
		sent := []time.Time{at(0), at(100), at(200)}
		recv := []time.Time{at(150), at(110), at(220)}
		assert.InDelta(t, 0.140-0.010/16, summarize(sent, recv).Jitter, 1e-12)
	})
	t.Run("nothing back", func(t *testing.T) {
		st := summarize([]time.Time{at(0), at(100)}, []time.Time{zero, zero})
		assert.Equal(t, 1.0, st.Loss())
		assert.Zero(t, st.Received)
		assert.True(t, math.IsNaN(st.Jitter))
	})
	t.Run("unsent requests are not lost ones", func(t *testing.T) {
		st := summarize([]time.Time{at(0), zero}, []time.Time{at(5), zero})
		assert.Equal(t, 1, st.Sent)
		assert.Zero(t, st.Loss())
	})
}
