package vqd

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// sample is one judged frame of a labelled clip.
type sample struct {
	c     clip
	frame int
	res   Result
}

// judge runs Analyze on every frame but the first of every clip, with the frame before it as Previous
// and, when withRef, the first snapshot of the same scene's clean clip as the confirmed Reference.
func judge(t testing.TB, clips []clip, cfg Config, withRef bool) []sample {
	refs := map[string]*Reference{}
	if withRef {
		for _, c := range clips {
			if c.fault == "" {
				refs[fmt.Sprint(c.scene, c.seed)] = NewReference(loadImage(t, c.frames[0]))
			}
		}
	}
	var out []sample
	for _, c := range clips {
		prev := loadImage(t, c.frames[0])
		for k := 1; k < len(c.frames); k++ {
			cur := loadImage(t, c.frames[k])
			r := Analyze(Input{Frame: cur, Previous: prev, Reference: refs[fmt.Sprint(c.scene, c.seed)]}, cfg)
			out = append(out, sample{c: c, frame: k + 1, res: r})
			prev = cur
		}
	}
	return out
}

// row is one line of the accuracy table.
type row struct {
	fault                    Fault
	samples, detected        int
	cleanSamples, falseAlarm int
	notEvaluable             int            // fault samples where the fault is not judged by design (notJudged)
	also                     map[Fault]int  // other faults reported on this fault's clips
	missedBy                 map[string]int // scene/severity of the misses
}

// notJudged says whether Analyze leaves fault out by design (not as a miss): colour at night, blur
// and occlusion at night without a reference, scene change without one.
func notJudged(f Fault, night, withRef bool) bool {
	return (night && (f == ColorCast || (!withRef && (f == Blur || f == Occlusion)))) || (!withRef && f == SceneChange)
}

func tabulate(samples []sample, withRef bool) []row {
	rows := map[Fault]*row{}
	for _, f := range Faults() {
		rows[f] = &row{fault: f, also: map[Fault]int{}, missedBy: map[string]int{}}
	}
	for _, s := range samples {
		if s.c.fault == "" {
			for _, f := range Faults() {
				if _, judged := s.res.Faults[f]; !judged {
					continue // the denominator is the clean frames the fault was judged on
				}
				rows[f].cleanSamples++
				if s.res.Faults[f] {
					rows[f].falseAlarm++
				}
			}
			continue
		}
		r := rows[s.c.fault]
		if notJudged(s.c.fault, s.res.Night, withRef) {
			r.notEvaluable++
			continue
		}
		r.samples++
		if s.res.Faults[s.c.fault] {
			r.detected++
		} else {
			r.missedBy[s.c.scene+"/"+s.c.sev]++
		}
		for f, v := range s.res.Faults {
			if v && f != s.c.fault {
				r.also[f]++
			}
		}
	}
	out := make([]row, 0, len(rows))
	for _, f := range Faults() {
		out = append(out, *rows[f])
	}
	return out
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// formatTable renders the rows as the Markdown table of docs/vqd.md.
func formatTable(rows []row) string {
	var b strings.Builder
	b.WriteString("| fault | 中文 | samples | detected | missed | detection | false alarms on clean | other faults also reported on these clips |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		var also []string
		for f, n := range r.also {
			also = append(also, fmt.Sprintf("%s %d", f, n))
		}
		sort.Strings(also)
		na := ""
		if r.notEvaluable > 0 {
			na = fmt.Sprintf(" (+%d not judged by design)", r.notEvaluable)
		}
		fmt.Fprintf(&b, "| %s | %s | %d%s | %d | %d | %.1f %% | %d / %d (%.1f %%) | %s |\n", r.fault, r.fault.Chinese(),
			r.samples, na, r.detected, r.samples-r.detected, pct(r.detected, r.samples),
			r.falseAlarm, r.cleanSamples, pct(r.falseAlarm, r.cleanSamples), strings.Join(also, ", "))
	}
	return b.String()
}

// checkGoals fails the test for each fault under 95 % detection or over 2 % false alarms.
func checkGoals(t *testing.T, rows []row) {
	t.Helper()
	for _, r := range rows {
		if r.samples == 0 || r.cleanSamples == 0 {
			t.Errorf("%s: no samples judged (%d fault frames, %d clean frames)", r.fault, r.samples, r.cleanSamples)
			continue
		}
		if d := pct(r.detected, r.samples); d < 95 {
			t.Errorf("%s: detection %.1f %% (%d of %d) under the 95 %% goal; missed on %v", r.fault, d, r.detected, r.samples, r.missedBy)
		}
		if fa := pct(r.falseAlarm, r.cleanSamples); fa > 2 {
			t.Errorf("%s: false alarms %.1f %% (%d of %d clean frames) over the 2 %% goal", r.fault, fa, r.falseAlarm, r.cleanSamples)
		}
	}
}

func dump(t testing.TB, path string, samples []sample) {
	keys := map[string]bool{}
	for _, s := range samples {
		for k := range s.res.Measures {
			keys[k] = true
		}
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("scene,seed,fault,sev,frame,night," + strings.Join(names, ",") + ",reported\n")
	for _, s := range samples {
		fmt.Fprintf(&b, "%s,%d,%s,%s,%d,%v", s.c.scene, s.c.seed, orClean(s.c.fault), s.c.sev, s.frame, s.res.Night)
		for _, k := range names {
			v, ok := s.res.Measures[k]
			if ok {
				b.WriteString("," + strconv.FormatFloat(v, 'f', 3, 64))
			} else {
				b.WriteString(",")
			}
		}
		var rep []string
		for f, v := range s.res.Faults {
			if v {
				rep = append(rep, string(f))
			}
		}
		sort.Strings(rep)
		b.WriteString("," + strings.Join(rep, " ") + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func parseSeeds(t testing.TB, s string, def []int) []int {
	if s == "" {
		return def
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			t.Fatalf("-seeds: %v", err)
		}
		out = append(out, n)
	}
	return out
}

// TestAccuracy generates a labelled set from a seed never used while tuning (seed 7: the thresholds
// were set on seed 1 and checked on seeds 2–6, docs/vqd.md), at a resolution other than the
// tuning's (480×270 against 640×360), in two day scenes and the hardest night one, and checks every
// fault type:
// detection ≥ 95 % over both severities and false alarms ≤ 2 % on the clean frames, judged with a
// confirmed reference snapshot as in service. Each fault clip gives one judged frame (with the
// frame a second before it as Previous) to keep the test near a minute under -race; the full table
// is TestAccuracyTable (build tag vqdtable).
func TestAccuracy(t *testing.T) {
	set := clipSet{
		scenes: []string{"lake-day", "path-day", "lake-night"}, seeds: []int{7}, size: "480x270",
		faultSecs: 2, cleanSecs: 12, faults: Faults(), severities: []string{"mild", "strong"},
		parallelism: workers(),
	}
	clips := set.generate(t, t.TempDir())
	rows := tabulate(judge(t, clips, DefaultConfig(), true), true)
	t.Logf("seed 7, %s, with a reference snapshot:\n%s", set.size, formatTable(rows))
	checkGoals(t, rows)
}
