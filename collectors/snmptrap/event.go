package snmptrap

import (
	"fmt"
	"maps"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/collectors"
)

// Bounds on the generated text.
const (
	maxSummaryVars = 8
	maxTextLen     = 1024
)

// classify fills the profile fields (name, severity) of t.
func classify(t *Trap, profiles map[string]compiled) (compiled, bool) {
	p, ok := profiles[t.OID]
	if ok {
		t.Name, t.Severity = p.Name, p.Severity
		return p, true
	}
	t.Name, t.Severity = t.OID, "warning"
	return compiled{}, false
}

// resolve fills Device and Labels from the inventory lookup.
func resolve(t *Trap, lookup func(addr netip.Addr) (string, map[string]string, bool)) {
	t.Device = t.Source.String()
	if lookup != nil {
		if dev, labels, ok := lookup(t.Source); ok && dev != "" {
			t.Device = dev
			t.Labels = maps.Clone(labels)
		}
	}
}

// nameInterface names the port of a trap that carries no ifName: the
// standard linkDown has only ifIndex (with ifAdminStatus and ifOperStatus),
// and many vendors add ifDescr (whose instance is the ifIndex too). The
// poller's ifIndex → ifName of that device (Options.IfName) gives the name
// the polled port and the link inventory use, so the trap and the poll are
// one alert; without it the ifDescr stands in.
func nameInterface(t *Trap, ifName func(device string, ifIndex int) (string, bool)) {
	if t.IfName == "" && t.IfIndex > 0 && ifName != nil {
		if n, ok := ifName(t.Device, t.IfIndex); ok {
			t.IfName = n
		}
	}
	t.IfName = firstOf(t.IfName, t.IfDescr)
}

// toEvent builds the event of a classified, resolved trap: the inventory's
// labels plus the naming contract's source, instance, trap, ifname, severity.
func toEvent(t *Trap, p compiled, known bool) collectors.Event {
	labels := make(map[string]string, len(t.Labels)+5)
	maps.Copy(labels, t.Labels)
	labels["source"] = "snmp_trap"
	labels["instance"] = t.Device
	labels["trap"] = t.Name
	labels["severity"] = t.Severity
	if t.IfName != "" {
		labels["ifname"] = t.IfName
	}
	return collectors.Event{Time: t.Time, Labels: labels, Text: text(t, p, known)}
}

// text renders the profile's template, or the generic text of an unknown
// trap; a template that fails at run time falls back to the generic text.
func text(t *Trap, p compiled, known bool) string {
	d := TextData{
		Device: t.Device, Address: t.Source.String(), Name: t.Name, OID: t.OID,
		IfName: t.IfName, IfIndex: t.IfIndex, Entity: t.Entity, Summary: summary(t.Vars),
	}
	if known {
		d.Vars = make(map[string]string, len(t.Vars))
		for _, v := range t.Vars {
			d.Vars[v.OID] = v.Value
		}
		var b strings.Builder
		if err := p.text.Execute(&b, d); err == nil {
			return bound(b.String())
		}
	}
	return bound(fmt.Sprintf("设备 %s 收到未知告警 %s：%s", d.Device, d.OID, d.Summary))
}

// summary lists the first varbinds as oid=value.
func summary(vars []Var) string {
	parts := make([]string, 0, min(len(vars), maxSummaryVars)+1)
	for i, v := range vars {
		if i == maxSummaryVars {
			parts = append(parts, fmt.Sprintf("…（共%d项）", len(vars)))
			break
		}
		parts = append(parts, v.OID+"="+v.Value)
	}
	if len(parts) == 0 {
		return "无变量"
	}
	return strings.Join(parts, "; ")
}

func bound(s string) string {
	if len(s) <= maxTextLen {
		return s
	}
	s = s[:maxTextLen]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
