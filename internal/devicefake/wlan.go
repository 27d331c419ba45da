package devicefake

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// AP is one access point of a WLAN controller.
type AP struct {
	Name    string
	Group   string // the AP group (Huawei, Ruijie), a park zone
	Up      bool
	Clients int
	// Gone leaves the AP out of every table (it left the controller).
	Gone bool
}

// OIDValue is one varbind of a fake agent, typed as net-snmp's pass_persist
// names types: integer, gauge, counter, string.
type OIDValue struct {
	OID   string `json:"oid"` // dotted, with the leading dot
	Type  string `json:"type"`
	Value string `json:"value"`
}

// WLAN OID roots of the three vendors, as the shipped profiles read them
// (sources in collectors/device/profiles/*-wlan-ac.yaml).
const (
	huaweiAPTable  = ".1.3.6.1.4.1.2011.6.139.13.3.3.1"
	h3cStatusTable = ".1.3.6.1.4.1.25506.2.75.2.1.1.1"
	h3cCurrTable   = ".1.3.6.1.4.1.25506.2.75.2.1.2.1"
	ruijieAPTable  = ".1.3.6.1.4.1.4881.1.1.10.2.56.2.1.1.1"
	ruijieScalars  = ".1.3.6.1.4.1.4881.1.1.10.2.56.1.1"
)

// WLANRows returns the varbinds a vendor's controller ("huawei", "h3c",
// "ruijie") serves for aps, sorted by OID:
//   - Huawei hwWlanApTable, indexed by the AP's MAC (6 arcs): .4 name, .5
//     group, .6 RunState (8 normal, 4 fault), .44 online users;
//   - H3C status table (.4 state, run 5 / join 1; .5 template name) and the
//     current-AP table (.7 stations, .8 name) of online APs only, both
//     indexed by the AP's id;
//   - Ruijie ApCfgTable of online APs only (as on a WS6008), indexed by MAC:
//     .2 name, .3 group, .34 stations, .48 state 1; and the online/offline
//     AP counts .1.1.11.0 and .1.1.80.0.
func WLANRows(vendor string, aps []AP) ([]OIDValue, error) {
	var rows []OIDValue
	add := func(oid, typ, v string) { rows = append(rows, OIDValue{oid, typ, v}) }
	online, offline := 0, 0
	for i, ap := range aps {
		if ap.Gone {
			continue
		}
		if ap.Up {
			online++
		} else {
			offline++
		}
		mac := fmt.Sprintf("0.224.252.%d.%d.%d", i/65536%256, i/256%256, i%256)
		switch vendor {
		case "huawei":
			t := huaweiAPTable
			add(t+".4."+mac, "string", ap.Name)
			add(t+".5."+mac, "string", ap.Group)
			add(t+".6."+mac, "integer", pick(ap.Up, "8", "4"))
			add(t+".44."+mac, "integer", clients(ap))
		case "h3c":
			id := strconv.Itoa(i + 1)
			add(h3cStatusTable+".4."+id, "integer", pick(ap.Up, "5", "1"))
			add(h3cStatusTable+".5."+id, "string", ap.Name)
			if ap.Up {
				add(h3cCurrTable+".7."+id, "gauge", clients(ap))
				add(h3cCurrTable+".8."+id, "string", ap.Name)
			}
		case "ruijie":
			if !ap.Up {
				continue
			}
			add(ruijieAPTable+".2."+mac, "string", ap.Name)
			add(ruijieAPTable+".3."+mac, "string", ap.Group)
			add(ruijieAPTable+".34."+mac, "integer", clients(ap))
			add(ruijieAPTable+".48."+mac, "integer", "1")
		default:
			return nil, fmt.Errorf("devicefake: unknown WLAN vendor %q (huawei, h3c, ruijie)", vendor)
		}
	}
	if vendor == "ruijie" {
		add(ruijieScalars+".11.0", "integer", strconv.Itoa(online))
		add(ruijieScalars+".80.0", "integer", strconv.Itoa(offline))
	}
	slices.SortFunc(rows, func(a, b OIDValue) int { return compareOID(a.OID, b.OID) })
	return rows, nil
}

func clients(ap AP) string {
	if !ap.Up {
		return "0"
	}
	return strconv.Itoa(ap.Clients)
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// compareOID orders dotted OIDs arc by arc.
func compareOID(a, b string) int {
	as, bs := strings.Split(strings.Trim(a, "."), "."), strings.Split(strings.Trim(b, "."), ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, _ := strconv.Atoi(as[i])
		y, _ := strconv.Atoi(bs[i])
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}
