package netprobe

import (
	"math"
	"slices"
	"time"
)

// Stats summarises one family's echo round.
type Stats struct {
	Sent, Received int
	// Min, Avg, Max are round-trip times of the received replies; zero when
	// none came back.
	Min, Avg, Max time.Duration
	// Jitter is the RFC 3550 interarrival jitter in seconds; NaN with fewer
	// than two replies, where it is not defined.
	Jitter float64
}

// Loss is the fraction of requests without a reply in time.
func (s Stats) Loss() float64 {
	if s.Sent == 0 {
		return 1
	}
	return 1 - float64(s.Received)/float64(s.Sent)
}

// summarize computes Stats from per-request send and receive times (zero time:
// not sent / not received).
func summarize(sent, recv []time.Time) Stats {
	st := Stats{Jitter: math.NaN()}
	var got []reply
	for i := range sent {
		if sent[i].IsZero() {
			continue
		}
		st.Sent++
		if !recv[i].IsZero() {
			got = append(got, reply{at: recv[i], rtt: recv[i].Sub(sent[i])})
		}
	}
	st.Received = len(got)
	if len(got) == 0 {
		return st
	}
	st.Min, st.Max = got[0].rtt, got[0].rtt
	var sum time.Duration
	for _, r := range got {
		st.Min, st.Max, sum = min(st.Min, r.rtt), max(st.Max, r.rtt), sum+r.rtt
	}
	st.Avg = sum / time.Duration(len(got))
	// RFC 3550 takes packets in order of arrival, not of sequence.
	slices.SortStableFunc(got, func(a, b reply) int { return a.at.Compare(b.at) })
	transits := make([]float64, len(got))
	for i, r := range got {
		transits[i] = r.rtt.Seconds()
	}
	st.Jitter = jitter(transits)
	return st
}

type reply struct {
	at  time.Time
	rtt time.Duration
}

// jitter is the RFC 3550 §6.4.1 interarrival jitter of transit times given in
// order of arrival:
//
//	D(i-1,i) = (R_i - R_{i-1}) - (S_i - S_{i-1}) = transit_i - transit_{i-1}
//	J_i      = J_{i-1} + (|D(i-1,i)| - J_{i-1}) / 16
//
// With round trips, transit is the RTT (send and receive clocks are the same, so
// no clock offset enters). Edge cases: fewer than two transits → NaN (no
// difference exists). The RFC starts J at 0, a choice made for streams of
// thousands of packets; after the 19 differences of a 20-packet round that start
// still weighs (15/16)^19 ≈ 29 %, so the jitter of every round would read ~29 %
// low. We start J at the first |D| instead, which keeps J an average of |D|
// values whose weights sum to one, and apply the RFC's update from the second
// difference on. Lost packets simply drop out: D is taken between consecutive
// received packets, as the RFC does for a receiver.
func jitter(transits []float64) float64 {
	if len(transits) < 2 {
		return math.NaN()
	}
	j := math.Abs(transits[1] - transits[0])
	for i := 2; i < len(transits); i++ {
		d := math.Abs(transits[i] - transits[i-1])
		j += (d - j) / 16
	}
	return j
}
