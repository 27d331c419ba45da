// Package pricelist is the government-cloud contract's price list (lot A
// §4.1 服务内容目录, monthly price caps in yuan): the fixed VM specs, the
// add-on units and storage per TB, embedded from prices.csv (SOURCE.md).
//
// Savings are table lookups: the fixed specs are not linear in vCPUs and
// memory (8C16G costs 509, twice 4C8G would be 510; the add-on units undercut
// small specs by up to 30 %), so a price is never interpolated.
package pricelist

import (
	_ "embed"
	"fmt"
	"sync"
)

//go:embed prices.csv
var pricesCSV string

// Categories of the rows the code uses, spelled as in the contract.
const (
	CategoryVM            = "云主机服务"
	CategoryBlockStandard = "块存储(普通) IOPS>=3000"
	CategoryBlockHigh     = "块存储(高效) IOPS>=10000"
)

// Spec is a fixed VM spec of the contract and its monthly price.
type Spec struct {
	VCPU  int
	MemGB int
	Yuan  int // per month
}

// String is the spec as the inventory's `spec` label writes it: "8C16G".
func (s Spec) String() string { return fmt.Sprintf("%dC%dG", s.VCPU, s.MemGB) }

// Fits reports whether s has at least vcpu vCPUs and memGB GB.
func (s Spec) Fits(vcpu, memGB float64) bool {
	return float64(s.VCPU) >= vcpu && float64(s.MemGB) >= memGB
}

var (
	loadOnce sync.Once
	table    *Table
)

// Default is the embedded contract's table, parsed once. The file is part of
// the binary and its test, so a parse error is a build defect: it panics.
func Default() *Table {
	loadOnce.Do(func() {
		t, err := Parse(pricesCSV)
		if err != nil {
			panic("pricelist: embedded prices.csv: " + err.Error())
		}
		table = t
	})
	return table
}

// Lookup is Default().Lookup.
func Lookup(vcpu, memGB int) (Spec, bool) { return Default().Lookup(vcpu, memGB) }

// CheapestFit is Default().CheapestFit.
func CheapestFit(vcpu, memGB float64) (Spec, bool) { return Default().CheapestFit(vcpu, memGB) }

// StorageYuanPerTB is Default().StorageYuanPerTB.
func StorageYuanPerTB(category string) (int, bool) { return Default().StorageYuanPerTB(category) }

// LookupLabel prices a `spec` label ("8C16G"): false when the label does not
// parse or is not a fixed spec of the contract.
func LookupLabel(label string) (Spec, bool) {
	c, m, err := ParseSpec(label)
	if err != nil {
		return Spec{}, false
	}
	return Lookup(c, m)
}
