// Command benchdriver runs the camera collector as the server does (the collectors.Runner, the
// default schedule: a stream check every 60 s, a diagnosis every 5 min, ffmpeg as the keyframe
// decoder) on N cameras spread over the mounts of an RTSP server, for a while, and prints what
// it cost: CPU seconds of this process and of its ffmpeg children, the peak RSS, and the rounds.
// bench/camera-compare.sh runs it beside the script approach (ffprobe per camera per minute).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/camera"
)

type report struct {
	Cameras      int            `json:"cameras"`
	Seconds      float64        `json:"seconds"`
	CPUSelf      float64        `json:"cpu_self_seconds"`
	CPUChildren  float64        `json:"cpu_children_seconds"` // ffmpeg decodes
	CPUPerCore   float64        `json:"cpu_share_of_one_core"`
	MaxRSSMiB    float64        `json:"max_rss_mib"`
	RoundsOK     int64          `json:"rounds_ok"`
	RoundsFailed int64          `json:"rounds_failed"`
	Diagnosed    int            `json:"cameras_diagnosed"`
	Samples      int64          `json:"samples"`
	Down         map[string]int `json:"down_errors,omitempty"` // why targets went down, and how often
	NoVQD        map[string]int `json:"undiagnosed,omitempty"` // cameras without a diagnosis, by the reason of their last attempt
}

// countSink counts samples and up values.
type countSink struct{ samples, ok, failed atomic.Int64 }

func (s *countSink) Append(_ context.Context, _ time.Time, samples []collectors.Sample) error {
	s.samples.Add(int64(len(samples)))
	for _, smp := range samples {
		for _, l := range smp.Labels {
			if l.Name == "__name__" && l.Value == "up" {
				if smp.Value == 1 {
					s.ok.Add(1)
				} else {
					s.failed.Add(1)
				}
			}
		}
	}
	return nil
}

func main() {
	server := flag.String("rtsp", "127.0.0.1:8554", "host:port of the RTSP server")
	mounts := flag.String("mounts", "cam1,cam2,cam3,scene,blur,cast,occluded,moved,frozen,black", "mounts to spread the cameras over")
	n := flag.Int("cameras", 500, "cameras")
	dur := flag.Duration("duration", 5*time.Minute, "how long to run")
	ffmpeg := flag.String("ffmpeg", "/usr/bin/ffmpeg", "keyframe decoder")
	dir := flag.String("pictures", "", "picture store directory (a temp dir when empty)")
	prof := flag.String("cpuprofile", "", "write a CPU profile here")
	snapshots := flag.Bool("snapshots", false, "give every camera a snapshot_url (served here, 640x360 JPEG) as most cameras have")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	ms := strings.Split(*mounts, ",")
	holders := holdMounts(*server, ms)
	defer func() {
		for _, c := range holders {
			c.Close()
		}
	}()
	if *dir == "" {
		d, err := os.MkdirTemp("", "camera-bench-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	cfg := camera.Config{FFmpegPath: *ffmpeg}.WithDefaults()
	if err := cfg.Validate(); err != nil {
		log.Fatal(err)
	}
	store, err := camera.NewStore(*dir, cfg.PicturesBudget)
	if err != nil {
		log.Fatal(err)
	}
	col := camera.New(cfg, store, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	sink := &countSink{}
	var downMu sync.Mutex
	down := map[string]int{}
	r := collectors.NewRunner(collectors.RunnerOptions{Sink: sink,
		OnStateChange: func(_ collectors.State, st collectors.TargetStatus) {
			if st.State == collectors.StateDown {
				downMu.Lock()
				down[st.LastError]++
				downMu.Unlock()
			}
		},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Kinds:  map[string]collectors.Kind{camera.Kind: {Collector: col, Schedule: cfg.Schedule}}})
	snapURL := ""
	if *snapshots {
		snapURL = serveSnapshot()
	}
	targets := make([]collectors.Target, *n)
	for i := range targets {
		targets[i] = collectors.Target{Kind: camera.Kind, Name: fmt.Sprintf("cam-%03d", i),
			Address: "rtsp://" + *server + "/" + ms[i%len(ms)]}
		if snapURL != "" {
			targets[i].Params = map[string]string{"snapshot_url": snapURL + "?cam=" + targets[i].Name, "snapshot_auth": "none"}
		}
	}
	r.SetTargets(targets)
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	start := time.Now()
	if err := r.Run(ctx); err != nil {
		log.Fatal(err)
	}
	_ = col.Close()
	diagnosed, noVQD := 0, map[string]int{}
	for _, s := range col.Status() {
		if s.VQDAge != nil {
			diagnosed++
		} else {
			noVQD[s.VQDReason]++ // "": not attempted (or every attempt found the slots busy)
		}
	}
	rep := report{Cameras: *n, Seconds: time.Since(start).Seconds(), RoundsOK: sink.ok.Load(),
		RoundsFailed: sink.failed.Load(), Samples: sink.samples.Load(), Diagnosed: diagnosed}
	rep.CPUSelf, rep.CPUChildren, rep.MaxRSSMiB = usage()
	rep.CPUPerCore = (rep.CPUSelf + rep.CPUChildren) / rep.Seconds
	rep.Down, rep.NoVQD = down, noVQD
	_ = json.NewEncoder(os.Stdout).Encode(rep)
}

// usage is the CPU seconds of this process and of its waited-for children, and the peak RSS.
func usage() (self, children, rssMiB float64) {
	var s, c syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &s)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &c)
	sec := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return sec(s.Utime) + sec(s.Stime), sec(c.Utime) + sec(c.Stime), peakRSS()
}

// peakRSS reads VmHWM (this process only; ru_maxrss of children is not added).
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// holdMounts keeps one DESCRIBE connection open per mount, so that GStreamer keeps each shared
// pipeline running between sessions (it answers 503 while it takes one down).
func holdMounts(server string, mounts []string) []net.Conn {
	var out []net.Conn
	for _, m := range mounts {
		c, err := net.DialTimeout("tcp", server, 2*time.Second)
		if err != nil {
			log.Fatalf("RTSP server %s: %v", server, err)
		}
		fmt.Fprintf(c, "DESCRIBE rtsp://%s/%s RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n", server, m)
		out = append(out, c)
	}
	return out
}

// serveSnapshot serves one 640x360 JPEG (a gradient scene) on a loopback port of this process: its
// CPU counts on the collector's side of the comparison.
func serveSnapshot() string {
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	for y := range 360 {
		for x := range 640 {
			img.Set(x, y, color.RGBA{uint8(x * 255 / 640), uint8(y * 255 / 360), uint8((x + y) % 256), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		_ = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "image/jpeg")
			_, _ = w.Write(b.Bytes())
		}))
	}()
	return "http://" + l.Addr().String() + "/ISAPI/Streaming/channels/101/picture"
}
