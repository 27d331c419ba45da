package sim

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOfflineShare samples the default estate's schedule at 240 instants over
// ten days (17 minutes apart, longer than most outages, so nearly independent).
func TestOfflineShare(t *testing.T) {
	s, err := New(Options{Seed: 1})
	require.NoError(t, err)
	perDistrict := map[string]int{}
	reasons, modes := map[string]int{}, map[string]int{}
	total, maxGroup := 0, 0
	at := mustTime(t, "2026-11-20 00:00:00")
	const samples = 240
	for i := 0; i < samples; i++ {
		off := s.Offline(at.Add(time.Duration(i) * 17 * time.Minute))
		total += len(off)
		inGroup := 0
		for _, o := range off {
			perDistrict[o.District]++
			reasons[o.Reason]++
			modes[o.Mode]++
			if o.Reason == ReasonHost || o.Reason == ReasonSite {
				inGroup++
			}
		}
		maxGroup = max(maxGroup, inGroup)
	}
	share := float64(total) / samples / 3000
	t.Logf("offline share %.4f, reasons %v, modes %v, largest group outage %d VMs", share, reasons, modes, maxGroup)
	assert.True(t, share >= 0.005 && share <= 0.02, "offline share %.4f within 0.5–2 %%", share)
	own := float64(reasons[ReasonSchedule]) / samples / 3000
	assert.InDelta(t, 0.01, own, 0.002, "own outages follow OfflineShare")
	assert.Positive(t, reasons[ReasonStopped], "agents stopped for days (R-A1 tracking)")
	for _, m := range []string{"503", "hang", "close"} {
		assert.Positive(t, modes[m], "mode %s", m)
	}
	count := districtCounts(s)
	rate := func(d string) float64 { return float64(perDistrict[d]) / float64(count[d]) }
	assert.Greater(t, rate("卢氏县"), 2*rate("市本级"), "a mountain county is worse than the city")
	assert.GreaterOrEqual(t, maxGroup, 8, "a whole host or county room was seen down at once")
}

func districtCounts(s *Sim) map[string]int {
	out := map[string]int{}
	for _, v := range s.est.vms {
		out[v.District]++
	}
	return out
}

// TestGroupOutage finds a natural group outage in the schedule and checks that
// every member is down during it and back after it.
func TestGroupOutage(t *testing.T) {
	s, err := New(Options{Seed: 2, OfflineShare: -1})
	require.NoError(t, err)
	start := mustTime(t, "2026-11-20 00:00:00")
	seen := map[string]bool{}
	for m := 0; m < 7*24*60 && len(seen) < 2; m += 2 {
		at := start.Add(time.Duration(m) * time.Minute)
		for gi, g := range s.est.groups {
			st := s.groupState(s.est.vms[g.Members[0]], float64(at.Unix()))
			if st.Mode == ModeUp || st.Reason == ReasonFault || seen[g.Kind] {
				continue
			}
			seen[g.Kind] = true
			down := map[string]string{}
			for _, o := range s.Offline(at) {
				down[o.Name] = o.Reason
			}
			after := map[string]string{}
			for _, o := range s.Offline(unixTime(st.Until + 1)) {
				after[o.Name] = o.Reason
			}
			for _, i := range g.Members {
				v := s.est.vms[i]
				assert.Contains(t, []string{ReasonHost, ReasonSite, ReasonReboot, ReasonStopped}, down[v.Name], "%s of group %d", v.Name, gi)
				assert.NotContains(t, []string{ReasonHost, ReasonSite}, after[v.Name], "%s back after the outage", v.Name)
			}
			dur := st.Until - st.Since
			assert.True(t, dur >= 180 && dur <= 480, "outage of %v s", dur)
		}
	}
	assert.True(t, seen["host"] && seen["site"], "host and county-room outages in a week: %v", seen)
}

func TestFaultEvery(t *testing.T) {
	s, err := New(Options{Seed: 4, FaultEvery: 10 * time.Minute, OfflineShare: -1})
	require.NoError(t, err)
	slot := mustTime(t, "2026-11-25 10:00:00")
	for k := 0; k < 6; k++ {
		at := slot.Add(time.Duration(k) * 10 * time.Minute)
		injected := func(at time.Time) map[string]bool {
			out := map[string]bool{}
			for _, o := range s.Offline(at) {
				if o.Reason == ReasonFault {
					out[o.Parent] = true
				}
			}
			return out
		}
		during := injected(at.Add(time.Minute))
		assert.Len(t, during, 1, "one group down at %v", at)
		assert.Empty(t, injected(at.Add(6*time.Minute)), "back after min(period/2, 5 min)")
	}
}

func TestRebootTakesAgentDown(t *testing.T) {
	s, err := New(Options{VMs: 300, Seed: 6, OfflineShare: -1})
	require.NoError(t, err)
	found := 0
	start := float64(mustTime(t, "2026-11-20 00:00:00").Unix())
	for _, v := range s.est.vms[:100] {
		b0 := s.bootTime(v, start)
		b1 := s.bootTime(v, start+14*86400)
		if b0 == b1 {
			continue
		}
		found++
		// the first reboot after start: bisect to the instant it happens
		lo, hi := start, start+14*86400
		for hi-lo > 0.5 {
			mid := (lo + hi) / 2
			if s.bootTime(v, mid) == b0 {
				lo = mid
			} else {
				hi = mid
			}
		}
		boot := s.bootTime(v, hi)
		require.LessOrEqual(t, hi-boot, 1.5, "boot time is the reboot instant (floored, bisected to 0.5 s)")
		require.Equal(t, boot, math.Floor(boot), "whole seconds, like btime")
		if st := s.state(v, hi+1); st.Reason != ReasonHost && st.Reason != ReasonSite && st.Reason != ReasonStopped {
			assert.Equal(t, status{ModeClose, ReasonReboot, boot, boot + bootGap(v, boot)}, st)
		}
		assert.NotEqual(t, ReasonReboot, s.state(v, boot+bootGap(v, boot)+1).Reason)
	}
	assert.Greater(t, found, 10, "reboots in two weeks among 100 VMs")
}
