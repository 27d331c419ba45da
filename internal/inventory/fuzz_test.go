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
		targets, more := accept(entries, []string{"agent"})
		checkLoaded(t, targets, append(probs, more...), "f.xlsx")
	})
}

// FuzzHTTPJSON: arbitrary export bodies never panic.
func FuzzHTTPJSON(f *testing.F) {
	f.Add([]byte(exportJSON))
	f.Add([]byte(`{"targets":null}`))
	f.Add([]byte(`{"targets":[{"labels":{"a":1}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, probs, err := jsonEntries("http://cp/export", data)
		if err != nil && (entries != nil || probs != nil) {
			t.Fatalf("a failed export returned entries too: %v", err)
		}
		targets, more := accept(entries, []string{"agent"})
		checkLoaded(t, targets, append(probs, more...), "http://cp/export")
	})
}

// FuzzYAMLFile: arbitrary inventory files never panic.
func FuzzYAMLFile(f *testing.F) {
	if b, err := os.ReadFile("../../deploy/examples/estate.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("targets:\n  - &a {name: x}\n  - *a\n"))
	f.Add([]byte("targets: [{name: a, labels: [1]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, probs := yamlEntries("f.yaml", data)
		targets, more := accept(entries, []string{"agent"})
		checkLoaded(t, targets, append(probs, more...), "f.yaml")
	})
}

func checkLoaded(t *testing.T, targets []Target, probs []Problem, source string) {
	t.Helper()
	for _, tg := range targets {
		if _, ok := NormalizeDistrict(tg.District); !ok || tg.Kind != "agent" || tg.Name == "" || tg.Address == "" {
			t.Fatalf("a target that fails the checks loaded: %+v", tg)
		}
	}
	for _, p := range probs {
		if !strings.HasPrefix(p.String(), source) || p.Msg == "" {
			t.Fatalf("problem without its place or message: %q", p.String())
		}
	}
}
