package alerting

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"time"
)

// GroupKey names one aggregation group: the route and the values of its
// group_by labels.
type GroupKey string

// Group is the alerts one notification carries.
type Group struct {
	Key    GroupKey
	Route  *Route
	Labels map[string]string // the group_by labels and their values
	Alerts []Alert
}

// Groups routes every alert through the compiled tree root and aggregates the
// alerts by each matched route's group_by labels. An alert may be in several
// groups (continue). Alerts keep their input order inside a group.
func Groups(alerts []Alert, root *Route) map[GroupKey]*Group {
	out := make(map[GroupKey]*Group)
	var sb strings.Builder
	for _, a := range alerts {
		for _, r := range root.Match(a) {
			key := groupKey(&sb, r, a.Labels)
			g := out[key]
			if g == nil {
				g = &Group{Key: key, Route: r, Labels: groupLabels(r.GroupBy, a.Labels)}
				out[key] = g
			}
			g.Alerts = append(g.Alerts, a)
		}
	}
	return out
}

// groupKey is "routeID:{l1=\"v1\",...}" over the group_by labels, or the
// fingerprint under "...". Missing labels count as empty, as in Alertmanager.
func groupKey(sb *strings.Builder, r *Route, labels map[string]string) GroupKey {
	sb.Reset()
	sb.WriteString(r.id)
	sb.WriteString(":{")
	if len(r.GroupBy) == 1 && r.GroupBy[0] == GroupByAll {
		writeLabels(sb, labels, sortedKeys(labels))
	} else {
		writeLabels(sb, labels, r.GroupBy)
	}
	sb.WriteByte('}')
	return GroupKey(sb.String())
}

func writeLabels(sb *strings.Builder, labels map[string]string, names []string) {
	for i, n := range names {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(n)
		sb.WriteString(`="`)
		sb.WriteString(strings.ReplaceAll(labels[n], `"`, `\"`))
		sb.WriteByte('"')
	}
}

func groupLabels(by []string, labels map[string]string) map[string]string {
	names := by
	if len(by) == 1 && by[0] == GroupByAll {
		names = sortedKeys(labels)
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = labels[n]
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Digest identifies the group's content: which alerts, and whether each still
// fires. A change since the last notice is what group_interval waits for.
func (g *Group) Digest() string {
	parts := make([]string, len(g.Alerts))
	for i, a := range g.Alerts {
		state := "/resolved"
		if a.Firing {
			state = "/firing"
		}
		parts[i] = a.Fingerprint + state
	}
	sort.Strings(parts)
	sum := sha256.Sum256([]byte(strings.Join(parts, ",")))
	return hex.EncodeToString(sum[:8])
}

// Sent is what the caller keeps about a group's last notice.
type Sent struct {
	At     time.Time // zero: never notified
	Digest string    // Group.Digest at that notice
}

// Due reports whether the group's next notice is due at now: group_wait after
// its earliest firing alert started (never sent yet), group_interval after the
// last notice when the content changed, repeat_interval when it did not and
// something still fires. Scheduler-free: the caller polls it.
func Due(g *Group, last Sent, now time.Time) bool {
	r := g.Route
	if last.At.IsZero() {
		first, ok := earliestFiring(g.Alerts)
		return ok && !now.Before(first.Add(r.GroupWait))
	}
	if g.Digest() != last.Digest {
		return !now.Before(last.At.Add(r.GroupInterval))
	}
	_, firing := earliestFiring(g.Alerts)
	return firing && !now.Before(last.At.Add(r.RepeatInterval))
}

func earliestFiring(alerts []Alert) (time.Time, bool) {
	var first time.Time
	ok := false
	for _, a := range alerts {
		if a.Firing && (!ok || a.StartsAt.Before(first)) {
			first, ok = a.StartsAt, true
		}
	}
	return first, ok
}
