package inventory

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode"
)

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
	checkParams(l.Params, add)
	return l, is
}

func (l *Link) textFields() []textField {
	return []textField{
		{"name", &l.Name}, {"level", &l.Level}, {"district", &l.District},
		{"a_device", &l.ADevice}, {"a_interface", &l.AInterface},
		{"b_device", &l.BDevice}, {"b_interface", &l.BInterface},
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

// checkEnds: the A end is required. The B end may be missing (an exit to a
// carrier) or name only its device (the carrier's router, not polled: no
// interface to join); an interface without its device is a problem.
func (l *Link) checkEnds(add func(string, string, ...any)) {
	if l.ADevice == "" {
		add("a_device", "a_device is empty (the inventory name of the SNMP device)")
	}
	if l.AInterface == "" {
		add("a_interface", "a_interface is empty (the ifName as the device reports it)")
	}
	switch {
	case l.BDevice == "" && l.BInterface != "":
		add("b_device", "b_device is empty but b_interface is set (the interface of which device?)")
	case l.BDevice != "" && l.BDevice == l.ADevice && l.BInterface == l.AInterface:
		add("b_device", "the b end is the same interface as the a end")
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
