package inventory

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
)

// linkFields are the fields of a link as issues name them; the Excel columns
// use the same names, YAML and JSON nest the ends (a.device -> a_device).
var linkFields = []string{"name", "level", "district", "a_device", "a_interface", "b_device", "b_interface",
	"bandwidth", "group", "isp", "ipv4", "ipv6", "labels"}

// normalizeLink trims l, maps district and level to their stored values and
// checks every field, as normalize does for a target.
func normalizeLink(l Link) (Link, []issue) {
	var is []issue
	seen := map[string]bool{}
	add := func(field, format string, args ...any) {
		if seen[field] && field != "labels" {
			return // one message per text field: its first problem hides the consequences
		}
		seen[field] = true
		is = append(is, issue{field, fmt.Sprintf(format, args...)})
	}
	for _, f := range l.textFields() {
		*f.p = strings.TrimSpace(*f.p)
		if msg := badText(*f.p); msg != "" {
			add(f.name, "%s %s", f.name, msg)
		}
	}
	l.checkPlace(add)
	l.checkEnds(add)
	if l.BandwidthBps <= 0 && !seen["bandwidth"] {
		add("bandwidth", "bandwidth is empty: the contracted rate, e.g. 100M, 1G or 2x10G")
	}
	l.checkAddrs(add)
	checkLabels(l.Labels, linkLabels, add)
	return l, is
}

func (l *Link) textFields() []textField {
	return []textField{
		{"name", &l.Name}, {"level", &l.Level}, {"district", &l.District},
		{"a_device", &l.A.Device}, {"a_interface", &l.A.Interface},
		{"b_device", &l.B.Device}, {"b_interface", &l.B.Interface},
		{"group", &l.Group}, {"isp", &l.ISP}, {"ipv4", &l.IPv4}, {"ipv6", &l.IPv6},
	}
}

// checkPlace checks the name and maps district and level (both required: the
// contract's figures are per level and district, R-B2, R-B6).
func (l *Link) checkPlace(add func(string, string, ...any)) {
	switch {
	case l.Name == "":
		add("name", "name is empty")
	case strings.ContainsFunc(l.Name, unicode.IsSpace):
		add("name", "link name %q contains white space", l.Name)
	}
	if d, ok := NormalizeDistrict(l.District); ok {
		l.District = d
	} else if l.District == "" {
		add("district", "district is empty")
	} else {
		add("district", "unknown district %q (one of %s, or its ASCII slug)", l.District, strings.Join(districtNames(), " "))
	}
	if lv, ok := NormalizeLevel(l.Level); ok {
		l.Level = lv
	} else if l.Level == "" {
		add("level", "level is empty (city/county/town/village or 市级/县级/乡镇级/村级)")
	} else {
		add("level", "unknown level %q (city/county/town/village or 市级/县级/乡镇级/村级)", l.Level)
	}
}

// checkEnds: the A end is required; the B end is both fields or none.
func (l *Link) checkEnds(add func(string, string, ...any)) {
	if l.A.Device == "" {
		add("a_device", "a end: device is empty (the inventory name of the SNMP device)")
	}
	if l.A.Interface == "" {
		add("a_interface", "a end: interface is empty (the ifName as the device reports it)")
	}
	switch {
	case l.B.Device == "" && l.B.Interface != "":
		add("b_device", "b end: device is empty but interface is set (give both or neither)")
	case l.B.Device != "" && l.B.Interface == "":
		add("b_interface", "b end: interface is empty but device is set (give both or neither)")
	case l.B.Device != "" && l.B == l.A:
		add("b_device", "b end is the same interface as the a end")
	}
}

// checkAddrs: each probe address must be of its family.
func (l *Link) checkAddrs(add func(string, string, ...any)) {
	if l.IPv4 != "" {
		if a, err := netip.ParseAddr(l.IPv4); err != nil || !a.Is4() {
			add("ipv4", "ipv4 %q is not an IPv4 address", l.IPv4)
		}
	}
	if l.IPv6 != "" {
		if a, err := netip.ParseAddr(l.IPv6); err != nil || !a.Is6() || a.Is4In6() {
			add("ipv6", "ipv6 %q is not an IPv6 address", l.IPv6)
		}
	}
}
