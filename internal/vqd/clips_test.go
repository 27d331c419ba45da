package vqd

import (
	"fmt"
	"image"
	_ "image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// clip is one generated, labelled clip: its snapshots in time order.
type clip struct {
	scene, sev string
	fault      Fault // "" for a clean clip
	seed       int
	frames     []string
}

func (c clip) night() bool { return strings.HasSuffix(c.scene, "-night") }

// clipSet describes a labelled set to generate.
type clipSet struct {
	scenes      []string
	seeds       []int
	size        string // WxH
	faultSecs   int    // snapshots per fault clip (one a second)
	cleanSecs   int    // snapshots per clean clip
	faults      []Fault
	severities  []string
	parallelism int
}

var allScenes = []string{"lake-day", "plaza-day", "path-day", "lake-night", "plaza-night", "path-night"}

// generate runs scripts/vqd-clips.sh for every clip of the set into dir. It fails the test when
// ffmpeg is missing: the accuracy figures are the point of the test.
func (s clipSet) generate(t testing.TB, dir string) []clip {
	return s.generateReuse(t, dir, false)
}

// generateReuse is generate, keeping clips already in dir when reuse is set (for tuning runs).
func (s clipSet) generateReuse(t testing.TB, dir string, reuse bool) []clip {
	t.Helper()
	testpeer.LookBinary(t, "ffmpeg", "scripts/install-peers.sh, or apt-get install ffmpeg")
	script, err := filepath.Abs("../../scripts/vqd-clips.sh")
	if err != nil {
		t.Fatal(err)
	}
	var jobs []clip
	for _, seed := range s.seeds {
		for _, sc := range s.scenes {
			jobs = append(jobs, clip{scene: sc, seed: seed, sev: "mild"})
			for _, f := range s.faults {
				for _, sev := range s.severities {
					jobs = append(jobs, clip{scene: sc, fault: f, sev: sev, seed: seed})
				}
			}
		}
	}
	var mu sync.Mutex
	var failed []string
	run := func(i int) {
		j := &jobs[i]
		name := fmt.Sprintf("%s-s%d-%s-%s", j.scene, j.seed, orClean(j.fault), j.sev)
		secs := s.faultSecs
		if j.fault == "" {
			secs = s.cleanSecs
		}
		if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("%s-%02d.jpg", name, secs))); err == nil && reuse {
			for k := 1; k <= secs; k++ {
				j.frames = append(j.frames, filepath.Join(dir, fmt.Sprintf("%s-%02d.jpg", name, k)))
			}
			return
		}
		cmd := exec.Command("bash", script, j.scene, orClean(j.fault), j.sev, filepath.Join(dir, name+".jpg"),
			fmt.Sprint(secs), s.size)
		cmd.Env = append(os.Environ(), fmt.Sprintf("SEED=%d", j.seed))
		if out, err := cmd.CombinedOutput(); err != nil {
			mu.Lock()
			failed = append(failed, fmt.Sprintf("%s: %v: %s", name, err, out))
			mu.Unlock()
			return
		}
		for k := 1; k <= secs; k++ {
			j.frames = append(j.frames, filepath.Join(dir, fmt.Sprintf("%s-%02d.jpg", name, k)))
		}
	}
	// The clean clip of each scene renders the scene's background; it runs first so that no two
	// scripts render the same background at once.
	var clean, rest []int
	for i, j := range jobs {
		if j.fault == "" {
			clean = append(clean, i)
		} else {
			rest = append(rest, i)
		}
	}
	for _, phase := range [][]int{clean, rest} {
		var wg sync.WaitGroup
		sem := make(chan struct{}, max(1, s.parallelism))
		for _, i := range phase {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				run(i)
			}()
		}
		wg.Wait()
	}
	if len(failed) > 0 {
		sort.Strings(failed)
		t.Fatalf("vqd-clips.sh failed for %d clips, first: %s", len(failed), failed[0])
	}
	return jobs
}

func orClean(f Fault) string {
	if f == "" {
		return "clean"
	}
	return string(f)
}

func loadImage(t testing.TB, path string) image.Image {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, _, err := image.Decode(fh)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func workers() int { return max(1, min(2, runtime.NumCPU())) }
