package cloudapi

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/inventory"
)

// vm is one VM of the estate: the union of the inventory's agents and the
// VMs the hypervisors know, joined by name (docs/cloud.md).
type vm struct {
	Name     string
	Target   *inventory.Target // its agent in the inventory; nil: none
	Info     *vmInfo           // what the hypervisor says; nil: unseen
	System   string
	Dept     string
	District string
	Spec     string // the inventory's spec label, "8C16G"; "" unknown
}

// estate joins the inventory's agents with the hypervisors' VMs, sorted by name.
func (a *API) estate(infos map[string]vmInfo) []vm {
	byName := map[string]*vm{}
	for _, t := range a.opts.Targets() {
		if t.Kind != "agent" {
			continue
		}
		t := t
		byName[t.Name] = &vm{Name: t.Name, Target: &t, System: t.System, Dept: t.Dept, District: t.District,
			Spec: t.Labels["spec"]}
	}
	for name, info := range infos {
		info := info
		v := byName[name]
		if v == nil {
			v = &vm{Name: name}
			byName[name] = v
		}
		v.Info = &info
		// The inventory is the register of record; the platform's tags fill its gaps.
		v.System = firstOf(v.System, info.System)
		v.Dept = firstOf(v.Dept, info.Dept)
	}
	out := make([]vm, 0, len(byName))
	for _, v := range byName {
		out = append(out, *v)
	}
	slices.SortFunc(out, func(x, y vm) int { return compareStrings(x.Name, y.Name) })
	return out
}

// group is the key a VM counts under for by=system|dept|instance.
func (v vm) group(by string) string {
	switch by {
	case "system":
		return firstOf(v.System, unregistered)
	case "dept":
		return firstOf(v.Dept, unregistered)
	}
	return v.Name
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// sizeSpec writes a configured size as the contract's spec, "8C16G"; "" when
// either part is unknown or the memory is not whole GB.
func sizeSpec(vcpus, memBytes float64, okC, okM bool) string {
	gb := memBytes / bytesPerGB
	if !okC || !okM || vcpus <= 0 || gb <= 0 || gb != math.Trunc(gb) || vcpus != math.Trunc(vcpus) {
		return ""
	}
	return fmt.Sprintf("%dC%dG", int(vcpus), int(gb))
}

// infosNow reads the hypervisors' VMs at t.
func (a *API) infosNow(ctx context.Context, t time.Time) (map[string]vmInfo, error) {
	return a.infos(ctx, hvInfo, t)
}
