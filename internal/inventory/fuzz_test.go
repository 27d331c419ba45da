package inventory

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzExcel: arbitrary bytes as a workbook never panic, and whatever loads
// passed every check.
func FuzzExcel(f *testing.F) {
	var tpl bytes.Buffer
	if err := WriteTemplate(&tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	if b, err := os.ReadFile(exampleWorkbook); err == nil {
		f.Add(b)
	}
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, probs := excelFrom(ExcelSource{Path: "f.xlsx"}, bytes.NewReader(data), 1<<20)
		targets, links, more := accept(entries, []string{"agent"})
		checkLoaded(t, targets, links, append(probs, more...), "f.xlsx")
	})
}

// FuzzHTTPJSON: arbitrary export bodies never panic.
func FuzzHTTPJSON(f *testing.F) {
	f.Add([]byte(exportJSON))
	f.Add([]byte(`{"targets":null}`))
	f.Add([]byte(`{"targets":[{"labels":{"a":1}}]}`))
	f.Add([]byte(`{"links":[{"name":"l","level":"town","district":"hubin","a_device":"d","a_interface":"i","bandwidth":"2x10G"}]}`))
	f.Add([]byte(`{"links":[{"bandwidth":1e99,"a":{"x":1}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, probs, err := jsonEntries("http://cp/export", data)
		if err != nil && (entries != nil || probs != nil) {
			t.Fatalf("a failed export returned entries too: %v", err)
		}
		targets, links, more := accept(entries, []string{"agent"})
		checkLoaded(t, targets, links, append(probs, more...), "http://cp/export")
	})
}

// FuzzYAMLFile: arbitrary inventory files never panic.
func FuzzYAMLFile(f *testing.F) {
	if b, err := os.ReadFile("../../deploy/examples/estate.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("targets:\n  - &a {name: x}\n  - *a\n"))
	f.Add([]byte("targets: [{name: a, labels: [1]}]\n"))
	f.Add([]byte("links:\n  - {name: l, level: town, district: hubin, a_device: d, a_interface: i, bandwidth: 1G}\n  - {a: [1], b: {devic: x}, bandwidth: {}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, probs := yamlEntries("f.yaml", data)
		targets, links, more := accept(entries, []string{"agent"})
		checkLoaded(t, targets, links, append(probs, more...), "f.yaml")
	})
}

func checkLoaded(t *testing.T, targets []Target, links []Link, probs []Problem, source string) {
	t.Helper()
	for _, tg := range targets {
		if _, ok := NormalizeDistrict(tg.District); !ok || tg.Kind != "agent" || tg.Name == "" || tg.Address == "" {
			t.Fatalf("a target that fails the checks loaded: %+v", tg)
		}
	}
	for _, l := range links {
		if _, is := normalizeLink(l); len(is) > 0 || l.BandwidthBps <= 0 || l.ADevice == "" {
			t.Fatalf("a link that fails the checks loaded: %+v (%v)", l, is)
		}
		if _, ok := NormalizeLevel(l.Level); !ok {
			t.Fatalf("a link without a level loaded: %+v", l)
		}
	}
	for _, p := range probs {
		if !strings.HasPrefix(p.String(), source) || p.Msg == "" {
			t.Fatalf("problem without its place or message: %q", p.String())
		}
	}
}

// FuzzBandwidth: arbitrary rates never panic, and what parses is in range and
// survives a round trip through String.
func FuzzBandwidth(f *testing.F) {
	for _, s := range []string{"10M", "1G", "2x10G", "2×10G", "500 Mbps", "1e9", "100MB", "0", "-1G", "9999999T", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBandwidth(s)
		if err != nil {
			return
		}
		if b < 1 || b > MaxBandwidth {
			t.Fatalf("%q parsed to %d, out of range", s, b)
		}
		again, err := ParseBandwidth(b.String())
		if err != nil || again != b {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, b, b.String(), again, err)
		}
	})
}
