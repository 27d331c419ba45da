package inventory

import "maps"

// levelRank orders the WAN's four levels, upstream first.
var levelRank = map[string]int{"city": 4, "county": 3, "town": 2, "village": 1}

// Parents builds the parent map topology inhibition walks
// (因上级故障抑制). Devices keep the inventory's parent. A link whose far
// end is a device's parent is put between them, so a link-down alert (node =
// the link) holds back the device behind it and everything under that: a
// single uplink becomes the parent of the downstream device; the links of a
// redundancy group hang under a node named after the group, which becomes
// the parent instead, so that losing one path of two suppresses nothing and
// losing the group (WanRedundancyDown, node = group) suppresses all behind it.
func Parents(targets []Target) map[string]string {
	parents := map[string]string{}
	levels := map[string]string{}
	for _, t := range targets {
		if t.Kind != KindLink && t.Kind != KindNetprobe {
			levels[t.Name] = t.Level
			if t.Parent != "" {
				parents[t.Name] = t.Parent
			}
		}
	}
	devParent := maps.Clone(parents)
	for _, t := range targets {
		if t.Kind == KindLink {
			placeLink(parents, devParent, levels, t)
		}
	}
	return parents
}

// placeLink inserts one link (and its group) between its upstream and
// downstream device, when the inventory says which is which.
func placeLink(parents, devParent, levels map[string]string, t Target) {
	a, b := t.Params[ParamADevice], t.Params[ParamBDevice]
	up, down := a, b
	if levelRank[levels[b]] > levelRank[levels[a]] {
		up, down = b, a
	}
	if a == "" || b == "" || levelRank[levels[up]] <= levelRank[levels[down]] {
		return // a carrier exit or a lateral link: not on a parent chain
	}
	parents[t.Name] = up
	group := t.Params[ParamGroup]
	if group == "" {
		if devParent[down] == up {
			parents[down] = t.Name
		}
		return
	}
	if _, ok := parents[group]; !ok {
		parents[group] = devParent[down]
	}
	parents[down] = group
}
