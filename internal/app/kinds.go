package app

import (
	"fmt"
	"slices"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/agent"
	"github.com/swanwatch/swanwatch/collectors/bmc"
	"github.com/swanwatch/swanwatch/collectors/camera"
	"github.com/swanwatch/swanwatch/collectors/device"
	"github.com/swanwatch/swanwatch/collectors/hypervisor"
	"github.com/swanwatch/swanwatch/collectors/link"
	"github.com/swanwatch/swanwatch/collectors/netprobe"
	"github.com/swanwatch/swanwatch/collectors/nvr"
	"github.com/swanwatch/swanwatch/collectors/snmp"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

// kindDef is one collector kind: its name in the inventory, its section of
// collectors: in swanwatch.yaml, and its constructor.
type kindDef struct {
	name  string
	build func(*config.Collectors, collectors.Env) (collectors.Kind, error)
}

// kind ties a name to its configuration type C and its constructor, so the
// table below reads as one line per kind and the compiler checks that the
// section and the constructor agree.
func kind[C any](name string, section func(*config.Collectors) C, build func(C, collectors.Env) (collectors.Kind, error)) kindDef {
	return kindDef{name: name, build: func(c *config.Collectors, env collectors.Env) (collectors.Kind, error) {
		env.Logger = env.Logger.With("kind", name)
		k, err := build(section(c), env)
		if err != nil {
			return collectors.Kind{}, fmt.Errorf("collector kind %s: %w", name, err)
		}
		return k, nil
	}}
}

// kindTable is every collector kind this build knows. A new kind is a
// package under collectors/, its section in config.Collectors, and one line
// here: nothing else in the server names kinds.
var kindTable = []kindDef{
	kind("agent", func(c *config.Collectors) agent.Config { return c.Agent }, agent.NewKind),
	kind("link", func(c *config.Collectors) link.Config { return c.Link }, link.NewKind),
	kind("netprobe", func(c *config.Collectors) netprobe.Config { return c.Netprobe }, netprobe.NewKind),
	kind("snmp", func(c *config.Collectors) snmp.Config { return c.SNMP }, snmp.NewKind),
	kind(camera.Kind, func(c *config.Collectors) camera.Config { return c.Camera }, camera.NewKind),
	kind(nvr.Kind, func(c *config.Collectors) nvr.Config { return c.NVR }, nvr.NewKind),
	kind(device.Kind, func(c *config.Collectors) device.Config { return c.Device }, device.NewKind),
	kind(bmc.Kind, func(c *config.Collectors) bmc.Config { return c.BMC }, bmc.NewKind),
	kind(hypervisor.Kind, func(c *config.Collectors) hypervisor.Config { return c.Hypervisor }, hypervisor.NewKind),
}

// KindNames lists the collector kinds this build knows, for inventory validation.
var KindNames = func() []string {
	out := make([]string, len(kindTable))
	for i, k := range kindTable {
		out[i] = k.name
	}
	return slices.Sorted(slices.Values(out))
}()

// kinds builds one collector per kind of the table.
func kinds(cfg *config.Config, env collectors.Env) (map[string]collectors.Kind, error) {
	out := make(map[string]collectors.Kind, len(kindTable))
	for _, k := range kindTable {
		built, err := k.build(&cfg.Collectors, env)
		if err != nil {
			return nil, err
		}
		out[k.name] = built
	}
	return out, nil
}

// targetSetter is a collector that keeps per-target state (the SNMP
// poller's port states) and must forget the targets that left.
type targetSetter interface{ SetTargets([]collectors.Target) }

// toCollectorTargets maps inventory targets to what the Runner schedules.
func toCollectorTargets(in []inventory.Target) []collectors.Target {
	out := make([]collectors.Target, 0, len(in))
	for _, t := range in {
		out = append(out, collectors.Target{Kind: t.Kind, Name: t.Name, Address: t.Address,
			Labels: t.AllLabels(), Params: t.Params})
	}
	return out
}
