package vsphere

import (
	"maps"
	"slices"
)

// Sorted views of the inventory keep queries and emits in a stable order.

func sortedHosts(inv *inventory) []*host {
	keys := slices.Sorted(maps.Keys(inv.hosts))
	out := make([]*host, len(keys))
	for i, k := range keys {
		out[i] = inv.hosts[k]
	}
	return out
}

func sortedVMs(inv *inventory) []*vm {
	keys := slices.Sorted(maps.Keys(inv.vms))
	out := make([]*vm, len(keys))
	for i, k := range keys {
		out[i] = inv.vms[k]
	}
	return out
}

func sortedDatastores(inv *inventory) []*datastore {
	keys := slices.Sorted(maps.Keys(inv.datastores))
	out := make([]*datastore, len(keys))
	for i, k := range keys {
		out[i] = inv.datastores[k]
	}
	return out
}
