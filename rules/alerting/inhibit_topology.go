package alerting

import (
	"fmt"
	"strings"
)

// Topology is the inventory's parent chains: child target → upstream target
// (a site's core switch, the link it hangs off). It is acyclic by construction.
type Topology struct {
	parent map[string]string
}

// NewTopology checks the child → parent map for self-parents and cycles; the
// error names the whole cycle so the operator can fix the inventory.
func NewTopology(parents map[string]string) (*Topology, error) {
	t := &Topology{parent: make(map[string]string, len(parents))}
	for c, p := range parents {
		if c != "" && p != "" {
			t.parent[c] = p
		}
	}
	for _, c := range sortedKeys(t.parent) {
		if cyc := t.cycleFrom(c); cyc != nil {
			invalid("topology")
			return nil, fmt.Errorf("topology: parent cycle %s", strings.Join(cyc, " → "))
		}
	}
	return t, nil
}

// cycleFrom walks up from c and returns the cycle it runs into, if any.
func (t *Topology) cycleFrom(c string) []string {
	seen := map[string]int{}
	var path []string
	for n, ok := c, true; ok; n, ok = t.parent[n] {
		if i, dup := seen[n]; dup {
			return append(path[i:], n)
		}
		seen[n] = len(path)
		path = append(path, n)
	}
	return nil
}

// Ancestors lists the upstream nodes of n, nearest first.
func (t *Topology) Ancestors(n string) []string {
	var up []string
	for p, ok := t.parent[n]; ok; p, ok = t.parent[p] {
		up = append(up, p)
	}
	return up
}

// ReasonUpstream is the glossary's words for a topology-suppressed alert.
const ReasonUpstream = "因上级故障抑制"

// TopologyInhibitor suppresses alerts below a failed node: an alert whose node
// has an ancestor with a firing root alert (the upstream fault itself) is
// marked, so one broken uplink pages once instead of once per device.
type TopologyInhibitor struct {
	Topology   *Topology
	RootAlerts []string // alertnames that mean "this node is down", e.g. LinkDown
	// NodeLabels name the labels holding the alert's node, first non-empty
	// wins; nil means device (a link alert's device), then instance.
	NodeLabels []string
}

// Marked is an alert with the inhibition verdict; suppressed alerts are kept
// (the incident page shows them) but not notified.
type Marked struct {
	Alert      Alert
	Suppressed bool
	Reason     string // ReasonUpstream or ReasonInhibited
	By         string // fingerprint of the suppressing alert
}

func (ti *TopologyInhibitor) node(a Alert) string {
	names := ti.NodeLabels
	if names == nil {
		names = []string{"device", "instance"}
	}
	for _, n := range names {
		if v := a.Labels[n]; v != "" {
			return v
		}
	}
	return ""
}

// roots maps each node with a firing root alert to that alert's fingerprint
// (the smallest one when several fire, so the verdict is deterministic).
func (ti *TopologyInhibitor) roots(alerts []Alert) map[string]string {
	isRoot := make(map[string]bool, len(ti.RootAlerts))
	for _, n := range ti.RootAlerts {
		isRoot[n] = true
	}
	out := map[string]string{}
	for _, a := range alerts {
		n := ti.node(a)
		if !a.Firing || n == "" || !isRoot[a.Labels["alertname"]] {
			continue
		}
		if fp, ok := out[n]; !ok || a.Fingerprint < fp {
			out[n] = a.Fingerprint
		}
	}
	return out
}

// Mark returns every alert in input order with its verdict; an alert is
// suppressed when a strict ancestor of its node has a firing root alert (the
// nearest such ancestor is named).
func (ti *TopologyInhibitor) Mark(alerts []Alert) []Marked {
	roots := ti.roots(alerts)
	out := make([]Marked, len(alerts))
	for i, a := range alerts {
		out[i] = Marked{Alert: a}
		if len(roots) == 0 {
			continue
		}
		for _, up := range ti.Topology.Ancestors(ti.node(a)) {
			if fp, ok := roots[up]; ok {
				out[i] = Marked{Alert: a, Suppressed: true, Reason: ReasonUpstream, By: fp}
				break
			}
		}
	}
	return out
}
