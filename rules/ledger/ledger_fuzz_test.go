package ledger

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/internal/pricelist"
)

// FuzzDecodeExport: any body is a ledger or refused with an error; a good
// entry is checked (a name, a spec that prints back, start ≤ end), every
// other entry is a numbered problem, and each entry counts once.
func FuzzDecodeExport(f *testing.F) {
	f.Add([]byte(export))
	f.Add([]byte(`{"entries": [{"vm": 1}, "x", null, [], {"vm": "a", "term_end": "2026-02-30"}]}`))
	f.Add([]byte(`{"entries": [{"vm": "a", "spec": "8C16G", "term_start": "2026-01-01", "term_end": "2026-01-01"}, {"vm": "a"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"entries": {}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := decodeExport("http://cp/export", body)
		if err != nil {
			if b.Entries != nil || b.Problems != nil {
				t.Fatalf("refused, yet %d entries", len(b.Entries))
			}
			return
		}
		seen := map[int]bool{}
		for _, p := range b.Problems {
			if p.Row < 1 || seen[p.Row] || p.Reason == "" || !utf8.ValidString(p.String()) {
				t.Fatalf("bad problem %+v", p)
			}
			seen[p.Row] = true
		}
		names := map[string]bool{}
		for _, e := range b.Entries {
			checkEntry(t, e)
			if names[e.VM] {
				t.Fatalf("%s listed twice", e.VM)
			}
			names[e.VM] = true
		}
	})
}

// FuzzParseRow: any row is an entry that passes the checks or a Chinese
// reason; never a panic.
func FuzzParseRow(f *testing.F) {
	f.Add("vm-a", "8C16G", "不动产登记系统", "市自然资源局", "2026-01-01", "46371", true)
	f.Add("vm-b", "2c4g", "", "", "2026年3月1日", "2026/3/1", false)
	f.Add("", "8核16G", "", "", "2026-13-01", "1e308", true)
	f.Add("vm\x00", "0C0G", "x", "y", "-1", "NaN", true)
	f.Fuzz(func(t *testing.T, vm, spec, system, dept, start, end string, serial bool) {
		e, err := parseRaw(raw{VM: vm, Spec: spec, System: system, Dept: dept, Start: start, End: end}, serial)
		if err != nil {
			if msg := err.Error(); msg == "" || !utf8.ValidString(msg) {
				t.Fatalf("reason %q", msg)
			}
			return
		}
		checkEntry(t, e)
	})
}

func checkEntry(t *testing.T, e Entry) {
	t.Helper()
	if e.VM == "" || e.VM != strings.TrimSpace(e.VM) || len(e.VM) > maxField {
		t.Fatalf("name %q", e.VM)
	}
	if e.Spec != "" {
		c, m, err := pricelist.ParseSpec(e.Spec)
		if err != nil || c != e.VCPU || m != e.MemGB || e.Spec != fmt.Sprintf("%dC%dG", c, m) {
			t.Fatalf("spec %q %d %d: %v", e.Spec, e.VCPU, e.MemGB, err)
		}
	}
	for _, d := range []string{e.TermStart, e.TermEnd} {
		if d == "" {
			continue
		}
		if got, err := parseDate(d, false); err != nil || got.Format(dateLayout) != d {
			t.Fatalf("date %q does not read back: %v", d, err)
		}
	}
	if e.TermStart != "" && e.TermEnd != "" && e.TermEnd < e.TermStart {
		t.Fatalf("term %s..%s", e.TermStart, e.TermEnd)
	}
	if (e.TermEnd == "") != e.end.IsZero() || (!e.end.IsZero() && e.end.Format(dateLayout) != e.TermEnd) {
		t.Fatalf("end %v vs %q", e.end, e.TermEnd)
	}
}
