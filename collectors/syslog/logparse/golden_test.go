package logparse

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from what the profiles give now")

// sample is one line of testdata/<vendor>.txt: "app<TAB>text", app "-" for
// a line whose tag the receiver did not split off.
type sample struct{ App, Text string }

// golden is the expected Record of a sample, as stored in the golden file.
type golden struct {
	App      string            `json:"app,omitempty"`
	Text     string            `json:"text"`
	Matched  bool              `json:"matched"`
	Vendor   string            `json:"vendor,omitempty"`
	Profile  string            `json:"profile,omitempty"`
	Class    string            `json:"class,omitempty"`
	Severity string            `json:"severity,omitempty"`
	Fields   map[string]string `json:"fields,omitempty"`
}

func readSamples(t testing.TB, path string) []sample {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		app, text, ok := strings.Cut(line, "\t")
		require.True(t, ok, "%s: line without a tab: %q", path, line)
		if app == "-" {
			app = ""
		}
		out = append(out, sample{App: app, Text: text})
	}
	require.NoError(t, sc.Err())
	return out
}

func parseSample(s *Set, sm sample) golden {
	r, ok := s.Parse(Message{App: sm.App, Text: sm.Text, Severity: 6, Facility: 23})
	g := golden{App: sm.App, Text: sm.Text, Matched: ok}
	if ok {
		g.Vendor, g.Profile, g.Class, g.Severity = r.Vendor, r.Profile, r.Class, r.Severity
		if len(r.Fields) > 0 {
			g.Fields = r.Fields
		}
	}
	return g
}

func sampleFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// TestGolden parses every sample line and compares the whole Record (vendor,
// profile, class, severity and every field) with testdata/<vendor>.golden.json.
// Run with -update after a deliberate change, then read the diff.
func TestGolden(t *testing.T) {
	set := Default()
	for _, path := range sampleFiles(t) {
		vendor := strings.TrimSuffix(filepath.Base(path), ".txt")
		t.Run(vendor, func(t *testing.T) {
			var got []golden
			for _, sm := range readSamples(t, path) {
				got = append(got, parseSample(set, sm))
			}
			goldenPath := strings.TrimSuffix(path, ".txt") + ".golden.json"
			if *update {
				b, err := json.MarshalIndent(got, "", "  ")
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(goldenPath, append(b, '\n'), 0o644))
			}
			b, err := os.ReadFile(goldenPath)
			require.NoError(t, err, "run go test -update once to create it")
			var want []golden
			require.NoError(t, json.Unmarshal(b, &want))
			require.Equal(t, len(want), len(got), "samples and golden file differ in length (run -update?)")
			for i := range want {
				assert.Equal(t, want[i], got[i], "sample %d: %s", i+1, want[i].Text)
			}
		})
	}
}

// TestSamplesCoverEachFamily wants at least five lines per family, at least
// one the family recognises and one no profile does.
func TestSamplesCoverEachFamily(t *testing.T) {
	set := Default()
	for _, path := range sampleFiles(t) {
		vendor := strings.TrimSuffix(filepath.Base(path), ".txt")
		samples := readSamples(t, path)
		assert.GreaterOrEqual(t, len(samples), 5, vendor)
		own, none := 0, 0
		for _, sm := range samples {
			g := parseSample(set, sm)
			if !g.Matched {
				none++
			} else if g.Vendor == vendor {
				own++
			}
		}
		assert.Positive(t, own, "%s: no line recognised by its own family", vendor)
		assert.Positive(t, none, "%s: no line that should stay unrecognised", vendor)
	}
}

// TestEveryProfileHasASample: a profile no sample reaches is a profile no
// test checks.
func TestEveryProfileHasASample(t *testing.T) {
	set := Default()
	seen := map[string]bool{}
	for _, path := range sampleFiles(t) {
		for _, sm := range readSamples(t, path) {
			if g := parseSample(set, sm); g.Matched {
				seen[g.Vendor+"/"+g.Profile] = true
			}
		}
	}
	for _, name := range set.Profiles() {
		assert.True(t, seen[name], "profile %s has no sample line in testdata", name)
	}
}
