package sim

import (
	"sync"
	"syscall"
	"testing"
	"time"
)

// processCPU is the process's user+system CPU time so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkParkCameraRound is one collector round over the park's cameras:
// every camera sampled once, all at once, by deepch/vdk's client (the camera
// collector's) for two seconds (connect, DESCRIBE, SETUP, PLAY, 1–2 s of
// video from the first keyframe, TEARDOWN). The figures are the process's CPU per round, simulator and
// client together (an upper bound for the simulator), and that as a share of
// one core when the round comes once a minute. The wall time of an iteration
// is the two seconds of real-time video, not a cost.
func BenchmarkParkCameraRound(b *testing.B) {
	s := startPark(b, 3)
	rows := parkRows(b, s)
	var urls []string
	for _, c := range s.park.cams {
		if !c.Stalls {
			urls = append(urls, cameraURL(b, rows[c.Name]))
		}
	}
	cpu0 := processCPU(b)
	for b.Loop() {
		var wg sync.WaitGroup
		for _, u := range urls {
			wg.Go(func() {
				if pics, _, err := vdkFrames(u, 2*time.Second); err != nil || pics < 20 {
					b.Errorf("%d pictures: %v", pics, err)
				}
			})
		}
		wg.Wait()
	}
	ms := float64((processCPU(b) - cpu0).Microseconds()) / 1000 / float64(b.N)
	b.ReportMetric(ms, "cpu-ms/round")
	b.ReportMetric(ms/60000*100, "%core@1round/min")
	b.ReportMetric(float64(len(urls)), "cameras")
}
