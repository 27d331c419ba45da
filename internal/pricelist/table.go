package pricelist

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// header is the price list's first line; another one is refused.
var header = []string{"category", "spec_vcpu", "spec_mem_gb", "unit", "price_yuan_per_month"}

// Row is one line of the price list. VCPU and MemGB are 0 where the contract
// leaves them empty (add-on units, storage, cache databases sized by memory).
type Row struct {
	Category string
	VCPU     int
	MemGB    int
	Unit     string  // instance | vCPU | GB | TB
	Yuan     float64 // per unit and month; 0.56 ¥/GB exists, so not an int
}

// Table is a parsed price list.
type Table struct {
	rows    []Row
	specs   []Spec         // the fixed VM specs, cheapest first
	storage map[string]int // TB-priced categories → yuan per TB and month
}

// Parse reads a price list in the contract file's layout.
func Parse(text string) (*Table, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = len(header)
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("price list: %w", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], header) {
		return nil, fmt.Errorf("price list: the first line must be %q", strings.Join(header, ","))
	}
	t := &Table{storage: map[string]int{}}
	for i, rec := range recs[1:] {
		row, err := parseRow(rec)
		if err != nil {
			return nil, fmt.Errorf("price list line %d: %w", i+2, err)
		}
		if err := t.add(row); err != nil {
			return nil, fmt.Errorf("price list line %d: %w", i+2, err)
		}
	}
	if len(t.specs) == 0 {
		return nil, errors.New("price list: no 云主机服务 instance spec")
	}
	slices.SortFunc(t.specs, func(a, b Spec) int {
		return cmp.Or(cmp.Compare(a.Yuan, b.Yuan), cmp.Compare(a.VCPU, b.VCPU), cmp.Compare(a.MemGB, b.MemGB))
	})
	return t, nil
}

func parseRow(rec []string) (Row, error) {
	row := Row{Category: strings.TrimSpace(rec[0]), Unit: strings.TrimSpace(rec[3])}
	var err error
	if row.VCPU, err = optInt(rec[1]); err != nil {
		return row, fmt.Errorf("spec_vcpu: %w", err)
	}
	if row.MemGB, err = optInt(rec[2]); err != nil {
		return row, fmt.Errorf("spec_mem_gb: %w", err)
	}
	row.Yuan, err = strconv.ParseFloat(strings.TrimSpace(rec[4]), 64)
	if err != nil || math.IsNaN(row.Yuan) || math.IsInf(row.Yuan, 0) || row.Yuan < 0 {
		return row, fmt.Errorf("price %q is not a non-negative number", rec[4])
	}
	return row, nil
}

func optInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive whole number", s)
	}
	return n, nil
}

// add files a row; fixed VM specs and TB prices must be whole yuan (they are
// in the contract), so savings add up exactly.
func (t *Table) add(row Row) error {
	t.rows = append(t.rows, row)
	whole := row.Yuan == math.Trunc(row.Yuan) && row.Yuan < 1e9
	switch {
	case row.Category == CategoryVM && row.Unit == "instance":
		if row.VCPU == 0 || row.MemGB == 0 || !whole {
			return fmt.Errorf("%s: a VM spec needs vCPUs, memory and a whole price", row.Category)
		}
		if _, dup := t.Lookup(row.VCPU, row.MemGB); dup {
			return fmt.Errorf("%s %dC%dG is listed twice", row.Category, row.VCPU, row.MemGB)
		}
		t.specs = append(t.specs, Spec{VCPU: row.VCPU, MemGB: row.MemGB, Yuan: int(row.Yuan)})
	case row.Unit == "TB":
		if !whole {
			return fmt.Errorf("%s: a per-TB price must be whole yuan", row.Category)
		}
		t.storage[row.Category] = int(row.Yuan)
	}
	return nil
}

// Rows returns every line of the list, in file order.
func (t *Table) Rows() []Row { return slices.Clone(t.rows) }

// Specs returns the fixed VM specs, cheapest first.
func (t *Table) Specs() []Spec { return slices.Clone(t.specs) }

// Lookup finds the fixed VM spec with exactly vcpu vCPUs and memGB GB.
func (t *Table) Lookup(vcpu, memGB int) (Spec, bool) {
	for _, s := range t.specs {
		if s.VCPU == vcpu && s.MemGB == memGB {
			return s, true
		}
	}
	return Spec{}, false
}

// CheapestFit is the cheapest fixed spec with at least vcpu vCPUs and memGB
// GB (fractions allowed: a need after headroom), the smaller one on a tie;
// false when no spec is that large. A table scan, as the prices are not linear.
func (t *Table) CheapestFit(vcpu, memGB float64) (Spec, bool) {
	for _, s := range t.specs { // cheapest first
		if s.Fits(vcpu, memGB) {
			return s, true
		}
	}
	return Spec{}, false
}

// StorageYuanPerTB is the monthly price per TB of a storage or backup
// category (CategoryBlockStandard, CategoryBlockHigh, …).
func (t *Table) StorageYuanPerTB(category string) (int, bool) {
	y, ok := t.storage[category]
	return y, ok
}
