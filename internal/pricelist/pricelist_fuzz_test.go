package pricelist

import (
	"fmt"
	"testing"
)

// FuzzParseSpec: any label either parses to positive sizes that print back
// to the same spec, or is refused with an error; never a panic.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"8C16G", "2c4g", "C", "", "0C0G", "1048576C1G", "8C16GB", "４C8G"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, label string) {
		c, m, err := ParseSpec(label)
		if err != nil {
			return
		}
		if c <= 0 || m <= 0 || c > maxSpecPart || m > maxSpecPart {
			t.Fatalf("%q parsed to %d, %d", label, c, m)
		}
		c2, m2, err := ParseSpec(fmt.Sprintf("%dC%dG", c, m))
		if err != nil || c2 != c || m2 != m {
			t.Fatalf("%q → %dC%dG does not round-trip: %d %d %v", label, c, m, c2, m2, err)
		}
	})
}

// FuzzParse: a price list either parses or is refused; a parsed one never
// has a spec that Lookup cannot find.
func FuzzParse(f *testing.F) {
	f.Add(pricesCSV)
	f.Add("category,spec_vcpu,spec_mem_gb,unit,price_yuan_per_month\n云主机服务,2,2,instance,79\n")
	f.Fuzz(func(t *testing.T, text string) {
		tb, err := Parse(text)
		if err != nil {
			return
		}
		for _, s := range tb.Specs() {
			if got, ok := tb.Lookup(s.VCPU, s.MemGB); !ok || got != s {
				t.Fatalf("spec %s not found", s)
			}
		}
	})
}
