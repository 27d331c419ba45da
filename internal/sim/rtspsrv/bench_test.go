package rtspsrv

import (
	"sync"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSession is the cost of one camera sampling session as the
// collector makes it (connect, DESCRIBE, SETUP, PLAY, 25 pictures from the
// next keyframe, TEARDOWN), 24 sessions at once, one per camera. The figure
// is the process's CPU time per session, client included (the raw client
// only reads); the wall time of an iteration is the 1–2 s of real-time
// video, not a cost.
func BenchmarkSession(b *testing.B) {
	c := loadClip(b, "lake-day-1")
	const cams = 24
	var paths []PathConfig
	for i := range cams {
		paths = append(paths, PathConfig{Name: "cam-" + string(rune('a'+i)), Clip: c, Phase: int64(i * 7)})
	}
	s := startServer(b, Options{}, paths...)
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	for b.Loop() {
		var wg sync.WaitGroup
		for i := range cams {
			wg.Go(func() {
				rc := dialRaw(b, s, paths[i].Name)
				id := rc.play()
				for pictures := 0; pictures < 25; {
					_, p, err := rc.packet()
					if err != nil {
						b.Error(err)
						return
					}
					if len(p) > 1 && p[1]&0x80 != 0 && p[1]&0x7f == payloadType {
						pictures++
					}
				}
				rc.do("TEARDOWN", "", "Session: "+id)
				_ = rc.nc.Close()
			})
		}
		wg.Wait()
	}
	cpu := cpuTime(b) - cpu0
	perSession := float64(cpu.Microseconds()) / 1000 / float64(b.N*cams)
	b.ReportMetric(perSession, "cpu-ms/session")
}

// BenchmarkAppendFrame is the per-picture work of a playing session: headers
// around the pre-cut payloads.
func BenchmarkAppendFrame(b *testing.B) {
	c := loadClip(b, "lake-day-1")
	p := &path{fps: 25}
	ss := &session{p: p}
	var buf []byte
	i := 0
	for b.Loop() {
		buf = ss.appendFrame(buf[:0], &c.frames[i%len(c.frames)], ss.rtpTime(int64(i)))
		i++
	}
	b.SetBytes(int64(c.bytes / len(c.frames)))
}
