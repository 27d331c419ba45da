package app

import (
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// topologyInhibitor is the inhibitor for the current inventory; nil when
// the inventory has no parent chain (nothing to suppress) or a broken one.
func (s *system) topologyInhibitor(targets []inventory.Target) *alerting.TopologyInhibitor {
	parents := inventory.Parents(targets)
	if len(parents) == 0 {
		return nil
	}
	topo, err := alerting.NewTopology(parents)
	if err != nil {
		s.logger.Error("inventory parent chain is broken; topology inhibition is off", "err", err)
		return nil
	}
	return &alerting.TopologyInhibitor{Topology: topo, RootAlerts: s.config().Alerting.TopologyRoots,
		NodeLabels: []string{"link", "group", "device", "instance"}}
}
