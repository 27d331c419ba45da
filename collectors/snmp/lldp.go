package snmp

import (
	"strings"
)

// LLDP-MIB (IEEE 802.1AB, 1.0.8802.1.1.2): lldpLocPortTable and lldpRemTable
// columns walked side by side.
const (
	lldpLocPort = ".1.0.8802.1.1.2.1.3.7.1."
	lldpRem     = ".1.0.8802.1.1.2.1.4.1.1."
)

var lldpRoots = []string{
	lldpRem + "9",     // 0 lldpRemSysName; index timeMark.localPortNum.remIndex
	lldpRem + "6",     // 1 lldpRemPortIdSubtype
	lldpRem + "7",     // 2 lldpRemPortId
	lldpRem + "8",     // 3 lldpRemPortDesc
	lldpLocPort + "2", // 4 lldpLocPortIdSubtype; index localPortNum
	lldpLocPort + "3", // 5 lldpLocPortId
	lldpLocPort + "4", // 6 lldpLocPortDesc
}

// PortIdSubtype values (LLDP-MIB LldpPortIdSubtype) whose id is an interface name.
const (
	portIDMAC           = 3
	portIDInterfaceName = 5
	portIDLocal         = 7
)

// lldp emits snmp_lldp_neighbor_info for every remote system. A device
// without LLDP-MIB yields no series and no error.
func (r *round) lldp() {
	r.stage("lldp")
	t, err := r.walkTable("lldp", lldpRoots)
	if err != nil {
		r.fail("lldp", err)
		return
	}
	seen := map[[3]string]bool{}
	for _, idx := range t.order {
		parts := strings.Split(idx, ".")
		if len(parts) != 3 {
			continue
		}
		key := [3]string{r.localPort(t, parts[1]), printable(t.cols[0][idx]), r.remotePort(t, idx)}
		if key[1] == "" || seen[key] {
			continue
		}
		seen[key] = true
		r.emit("snmp_lldp_neighbor_info", 1, "local_ifname", key[0], "remote_sysname", key[1], "remote_port", key[2])
	}
}

// localPort names a local port: its id when that is an interface name, else
// the ifName of the ifIndex with the same number (most agents number LLDP
// ports by ifIndex), else its description, else the number.
func (r *round) localPort(t *table, num string) string {
	if sub, _ := number(t.cols[4][num]); sub == portIDInterfaceName {
		if s := printable(t.cols[5][num]); s != "" {
			return s
		}
	}
	if n := r.ifNames[num]; n != "" {
		return n
	}
	if s, _ := displayString(t.cols[6][num]); s != "" {
		return s
	}
	return num
}

// remotePort names the neighbour's port: the id when it is a name or a MAC
// address, else the port description.
func (r *round) remotePort(t *table, idx string) string {
	sub, _ := number(t.cols[1][idx])
	id := printable(t.cols[2][idx])
	if sub == portIDInterfaceName || sub == portIDLocal || sub == portIDMAC {
		if id != "" {
			return id
		}
	}
	if s, _ := displayString(t.cols[3][idx]); s != "" {
		return s
	}
	return id
}
