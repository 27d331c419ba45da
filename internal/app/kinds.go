package app

import (
	"fmt"
	"log/slog"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/agent"
	"github.com/swanwatch/swanwatch/collectors/link"
	"github.com/swanwatch/swanwatch/collectors/netprobe"
	"github.com/swanwatch/swanwatch/collectors/snmp"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

// KindNames lists the collector kinds this build knows, for inventory validation.
var KindNames = []string{"agent", "link", "netprobe", "snmp"}

// kinds builds one collector per kind from the configuration. This switch is the
// single place where a kind name meets its constructor.
// events receives what collectors notice between polls (an SNMP port that
// went down), the same sink as the trap receiver's.
func kinds(cfg *config.Config, logger *slog.Logger, events collectors.EventSink) (map[string]collectors.Kind, *agent.Collector, error) {
	out := map[string]collectors.Kind{}
	var agentColl *agent.Collector
	for _, name := range KindNames {
		switch name {
		case "agent":
			ac := cfg.Collectors.Agent.WithDefaults()
			agentColl = agent.New(ac, logger.With("kind", "agent"))
			out[name] = collectors.Kind{Collector: agentColl, Schedule: ac.Schedule}
		case "link":
			lc := cfg.Collectors.Link.WithDefaults()
			out[name] = collectors.Kind{Collector: link.New(lc), Schedule: lc.Schedule}
		case "netprobe":
			nc := cfg.Collectors.Netprobe.WithDefaults()
			np, err := netprobe.New(nc, logger.With("kind", name))
			if err != nil {
				return nil, nil, fmt.Errorf("network probes: %w", err)
			}
			out[name] = collectors.Kind{Collector: np, Schedule: nc.Schedule}
		case "snmp":
			sc := cfg.Collectors.SNMP.WithDefaults()
			sn, err := snmp.New(sc, logger.With("kind", name), snmp.WithEvents(events))
			if err != nil {
				return nil, nil, fmt.Errorf("snmp collector: %w", err)
			}
			out[name] = collectors.Kind{Collector: sn, Schedule: sc.Schedule}
		default:
			return nil, nil, fmt.Errorf("kind %q has no constructor", name)
		}
	}
	return out, agentColl, nil
}

// toCollectorTargets maps inventory targets to what the Runner schedules.
func toCollectorTargets(in []inventory.Target) []collectors.Target {
	out := make([]collectors.Target, 0, len(in))
	for _, t := range in {
		out = append(out, collectors.Target{Kind: t.Kind, Name: t.Name, Address: t.Address,
			Labels: t.AllLabels(), Params: t.Params})
	}
	return out
}
