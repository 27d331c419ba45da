//go:build vqdtable

package vqd

import (
	"flag"
	"testing"
)

var (
	flagDump  = flag.String("dump", "", "write every sample's measures as CSV to this file")
	flagSeeds = flag.String("seeds", "", "comma-separated scene seeds (default 1,2,3)")
	flagNoRef = flag.Bool("noref", false, "also tabulate the set judged without a reference snapshot")
	flagClips = flag.String("clips", "", "generate the clips into (or reuse them from) this directory")
	flagSize  = flag.String("size", "640x360", "clip size WxH")
)

// TestAccuracyTable generates the full labelled set (every scene, fault and severity at 640×360; seeds
// 1 to 3 unless -seeds says otherwise), prints the table of docs/vqd.md and checks the goals on it. It
// takes minutes, so it is behind a build tag:
//
//	go test -tags vqdtable ./internal/vqd -run TestAccuracyTable -v -timeout 30m [-args -seeds 1 -dump x.csv -noref]
func TestAccuracyTable(t *testing.T) {
	set := clipSet{
		scenes: allScenes, seeds: parseSeeds(t, *flagSeeds, []int{1, 2, 3}), size: *flagSize,
		faultSecs: 4, cleanSecs: 16, faults: Faults(), severities: []string{"mild", "strong"},
		parallelism: workers(),
	}
	dir := *flagClips
	if dir == "" {
		dir = t.TempDir()
	}
	clips := set.generateReuse(t, dir, *flagClips != "")
	samples := judge(t, clips, DefaultConfig(), true)
	if *flagDump != "" {
		dump(t, *flagDump, samples)
	}
	rows := tabulate(samples, true)
	t.Logf("seeds %v, %s, with a reference snapshot:\n%s", set.seeds, set.size, formatTable(rows))
	if *flagNoRef {
		t.Logf("the same set without a reference snapshot:\n%s", formatTable(tabulate(judge(t, clips, DefaultConfig(), false), false)))
	}
	checkGoals(t, rows)
}
