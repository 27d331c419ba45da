package pricelist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxSpecPart bounds either number of a spec label: no VM has more, and a
// bound keeps a garbage label from overflowing anything downstream.
const maxSpecPart = 1 << 20

// ParseSpec reads a `spec` label as the inventory writes it, "8C16G" (vCPUs
// C, memory in GB G); the letters may be lower case and blanks around the
// label are ignored.
func ParseSpec(label string) (vcpu, memGB int, err error) {
	s := strings.ToUpper(strings.TrimSpace(label))
	c, rest, ok := strings.Cut(s, "C")
	if !ok || !strings.HasSuffix(rest, "G") {
		return 0, 0, fmt.Errorf("spec %q: want vCPUs and GB like 8C16G", label)
	}
	if vcpu, err = specPart(c); err == nil {
		memGB, err = specPart(strings.TrimSuffix(rest, "G"))
	}
	if err != nil {
		return 0, 0, fmt.Errorf("spec %q: %w", label, err)
	}
	return vcpu, memGB, nil
}

func specPart(s string) (int, error) {
	if s == "" || len(s) > 7 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errors.New("want a whole number before C and before G")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > maxSpecPart {
		return 0, fmt.Errorf("%q is not between 1 and %d", s, maxSpecPart)
	}
	return n, nil
}
