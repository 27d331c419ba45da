package device

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Registers placed by position_in: generic 温湿度变送器 keep temperature and
// humidity in two holding registers from 0x0000, but in either order by
// vendor. The profile names the registers once and a target param (with a
// default in the profile's params) lists their ids in the device's order:
// `order: humidity,temperature` puts humidity at the base address and
// temperature after it.

// maxOrderItems bounds a position list: a sensor keeps a handful of values.
const maxOrderItems = 32

// orderGroups returns, per position_in param, the ids of its registers in
// profile order.
func orderGroups(spec *ModbusSpec) map[string][]string {
	var groups map[string][]string
	for _, r := range spec.Registers {
		if r.PositionIn == "" {
			continue
		}
		if groups == nil {
			groups = map[string][]string{}
		}
		groups[r.PositionIn] = append(groups[r.PositionIn], r.ID)
	}
	return groups
}

// parseOrder reads a position list: ids separated by commas, each of want
// exactly once and nothing else.
func parseOrder(param, s string, want []string) ([]string, error) {
	bad := func() error {
		return fmt.Errorf("%w: param %s %q must list %s, each once, separated by commas",
			ErrConfig, param, clip(s), strings.Join(want, " and "))
	}
	if len(s) > 64*maxOrderItems {
		return nil, bad()
	}
	items := strings.Split(s, ",")
	if len(items) != len(want) {
		return nil, bad()
	}
	seen := map[string]bool{}
	for i, it := range items {
		it = strings.TrimSpace(it)
		if !slices.Contains(want, it) || seen[it] {
			return nil, bad()
		}
		seen[it] = true
		items[i] = it
	}
	return items, nil
}

// resolveRegisters returns the register map with the addresses of
// position_in registers set from the target's params: spec itself when it
// has none, else a copy.
func resolveRegisters(spec *ModbusSpec, params map[string]string) (*ModbusSpec, error) {
	groups := orderGroups(spec)
	if len(groups) == 0 {
		return spec, nil
	}
	out := *spec
	out.Registers = slices.Clone(spec.Registers)
	var errs []error
	for _, param := range slices.Sorted(maps.Keys(groups)) {
		order, err := parseOrder(param, params[param], groups[param])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i := range out.Registers {
			r := &out.Registers[i]
			if r.PositionIn != param {
				continue
			}
			r.Address += slices.Index(order, r.ID) * registerWords(r.Type)
			if end := r.Address + registerWords(r.Type) - 1; end > 0xffff {
				errs = append(errs, fmt.Errorf("%w: register %s placed by %s ends at %d, past 65535", ErrConfig, r.ID, param, end))
			}
		}
	}
	return &out, errors.Join(errs...)
}

// checkPositions checks the position_in registers of a profile: each list
// has a default in params that resolves, and its values stay in range.
func (p *Profile) checkPositions() error {
	groups := orderGroups(p.Modbus)
	var errs []error
	for _, param := range slices.Sorted(maps.Keys(groups)) {
		if !validID(param) {
			errs = append(errs, p.errTop("modbus", "position_in %q is not a param name", param))
			continue
		}
		if p.Params[param] == "" {
			errs = append(errs, p.errTop("params", "position_in %s needs a default order in params.%s (e.g. %q)",
				param, param, strings.Join(groups[param], ",")))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if _, err := resolveRegisters(p.Modbus, p.Params); err != nil {
		return p.errTop("params", "%v", err)
	}
	return nil
}
