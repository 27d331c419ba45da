package sim

import (
	"fmt"
)

// vendor is how one network vendor's devices look over SNMP: identity, interface
// names and where CPU, memory and temperature live (see snmp_oids.go).
type vendor struct {
	Name     string
	Enter    string // sysObjectID prefix, the vendor's enterprise subtree
	phys     func(speed float64, n int) (name, descr string)
	logical  [3]string // NULL, loopback, VLAN interface
	entities []uint32  // entPhysicalIndex (or unit, pool) of the boards that report CPU etc.
}

// devModel is one product line with its role in the WAN.
type devModel struct {
	Name     string
	ObjectID string // sysObjectID suffix under the vendor's subtree
	Descr    string // sysDescr; %s is the model name
}

var (
	huawei = &vendor{Name: "huawei", Enter: "1.3.6.1.4.1.2011.2", logical: [3]string{"NULL0", "LoopBack0", "Vlanif1"},
		entities: []uint32{16842753, 16842754},
		phys: func(speed float64, n int) (string, string) {
			p := pickSpeed(speed, "Ethernet0/0/", "GigabitEthernet0/0/", "XGigabitEthernet0/0/")
			return fmt.Sprintf("%s%d", p, n), fmt.Sprintf("%s%d", p, n)
		}}
	h3c = &vendor{Name: "h3c", Enter: "1.3.6.1.4.1.25506.1", logical: [3]string{"NULL0", "InLoopBack0", "Vlan-interface1"},
		entities: []uint32{2, 3},
		phys: func(speed float64, n int) (string, string) {
			p := pickSpeed(speed, "Ethernet1/0/", "GigabitEthernet1/0/", "Ten-GigabitEthernet1/0/")
			return fmt.Sprintf("%s%d", p, n), fmt.Sprintf("%s%d Interface", p, n)
		}}
	ruijie = &vendor{Name: "ruijie", Enter: "1.3.6.1.4.1.4881.1.1.10.1", logical: [3]string{"Null 0", "Loopback 0", "VLAN 1"},
		entities: []uint32{1},
		phys: func(speed float64, n int) (string, string) {
			p := pickSpeed(speed, "FastEthernet 0/", "GigabitEthernet 0/", "TenGigabitEthernet 0/")
			return fmt.Sprintf("%s%d", p, n), fmt.Sprintf("%s%d", p, n)
		}}
	zte = &vendor{Name: "zte", Enter: "1.3.6.1.4.1.3902.3.100", logical: [3]string{"null1", "loopback1", "vlan1"},
		entities: []uint32{1},
		phys: func(speed float64, n int) (string, string) {
			p := pickSpeed(speed, "fei-0/1/0/", "gei-0/1/0/", "xgei-0/1/1/")
			return fmt.Sprintf("%s%d", p, n), fmt.Sprintf("%s%d", p, n)
		}}
	cisco = &vendor{Name: "cisco", Enter: "1.3.6.1.4.1.9.1", logical: [3]string{"Nu0", "Lo0", "Vl1"},
		entities: []uint32{1},
		phys: func(speed float64, n int) (string, string) {
			short := pickSpeed(speed, "Fa1/0/", "Gi1/0/", "Te1/0/")
			long := pickSpeed(speed, "FastEthernet1/0/", "GigabitEthernet1/0/", "TenGigabitEthernet1/0/")
			return fmt.Sprintf("%s%d", short, n), fmt.Sprintf("%s%d", long, n)
		}}
)

func pickSpeed(speed float64, fast, gig, ten string) string {
	switch {
	case speed >= 10e9:
		return ten
	case speed >= 1e9:
		return gig
	}
	return fast
}

// models per vendor and WAN role. The sysObjectIDs sit under each vendor's own
// subtree (Huawei 2011.2.x, H3C 25506.1.x, Ruijie 4881.1.1.10.1.x, ZTE 3902.3.100.x,
// Cisco 9.1.x) as their products' do.
var models = map[*vendor]map[string]devModel{
	huawei: {
		roleCore:     {"CE12808", "239.12", "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 8.191 (%s V200R019C10SPC800)\r\nCopyright (C) 2012-2020 Huawei Technologies Co., Ltd.\r\nHUAWEI %s"},
		roleEgress:   {"NE40E-X8A", "62.2.11", "Huawei Versatile Routing Platform Software\r\nVRP (R) software, Version 8.180 (%s V800R012C10SPC300)\r\nCopyright (C) 2012-2020 Huawei Technologies Co., Ltd.\r\nHUAWEI %s"},
		roleAgg:      {"S12708", "23.406", "S12700\r\nHuawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 (%s V200R013C00SPC500)\r\nCopyright (C) 2000-2019 HUAWEI TECH Co., Ltd.\r\nHUAWEI %s"},
		roleTown:     {"AR6140-16G4XG", "224.281", "Huawei AR Router %s, VRP (R) software, Version 5.170 (V300R021C10SPC100)"},
		roleTownSw:   {"S5735-L24T4S-A1", "23.695", "S5735-L24T4S-A1\r\nHuawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 (%s V200R021C00SPC100)"},
		roleVillage:  {"AR611", "224.220", "Huawei AR Router %s, VRP (R) software, Version 5.170 (V300R019C13SPC100)"},
		roleVillageS: {"S1730S-L8T-A", "23.760", "Huawei Versatile Routing Platform Software %s V200R021C10"},
	},
	h3c: {
		roleAgg:      {"S10508X", "3088", "H3C Comware Platform Software, Software Version 7.1.070, Release 7625P03\r\nH3C %s\r\nCopyright (c) 2004-2022 New H3C Technologies Co., Ltd. All rights reserved."},
		roleTown:     {"MSR3620-X1", "2861", "H3C Comware Platform Software, Software Version 7.1.064, Release 0821P15\r\nH3C %s\r\nCopyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved."},
		roleTownSw:   {"S5130S-28S-EI", "3196", "H3C Comware Platform Software, Software Version 7.1.070, Release 6126P20\r\nH3C %s\r\nCopyright (c) 2004-2022 New H3C Technologies Co., Ltd. All rights reserved."},
		roleVillage:  {"MSR810-W", "2614", "H3C Comware Platform Software, Software Version 7.1.064, Release 0821P15\r\nH3C %s"},
		roleVillageS: {"S1850V2-10P", "3331", "H3C Comware Platform Software, Software Version 5.20.99, Release 1113\r\nH3C %s"},
	},
	ruijie: {
		roleTown:     {"RG-RSR20-X", "1926", "Ruijie General Operating System Software, Release RGOS 11.9(4)B1 (%s) By Ruijie Networks"},
		roleTownSw:   {"RG-S2910-24GT4XS-E", "1735", "Ruijie Full Gigabit Security & Intelligence Access Switch(%s) By Ruijie Networks"},
		roleVillage:  {"RG-RSR10-02E", "1432", "Ruijie General Operating System Software, Release RGOS 11.1(5)B8 (%s) By Ruijie Networks"},
		roleVillageS: {"RG-S1920-8GT2SFP", "2087", "Ruijie Full Gigabit Access Switch(%s) By Ruijie Networks"},
	},
	zte: {
		roleTown:     {"ZXR10 2800-4", "1125", "ZTE ZXR10 ROSNG Software, Version V3.00.10, %s"},
		roleTownSw:   {"ZXR10 5960-28DL-H", "1204", "ZTE ZXR10 ROS Version V5.00.10, %s"},
		roleVillage:  {"ZXR10 1800-2S", "1112", "ZTE ZXR10 ROSNG Software, Version V3.00.10, %s"},
		roleVillageS: {"ZXR10 2928E", "1031", "ZTE ZXR10 ROS Version V4.08.23, %s"},
	},
	cisco: {
		roleAgg:  {"C9500-48Y4C", "2495", "Cisco IOS Software [Amsterdam], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.3.4, RELEASE SOFTWARE (fc3)\r\nTechnical Support: http://www.cisco.com/techsupport\r\nCopyright (c) 1986-2021 by Cisco Systems, Inc.\r\nCompiled %s"},
		roleTown: {"ISR4331/K9", "1861", "Cisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.5, RELEASE SOFTWARE (fc1)\r\nCompiled %s"},
	},
}

// The roles of devices in the WAN.
const (
	roleCore     = "core"
	roleEgress   = "egress"
	roleAgg      = "aggregation"
	roleTown     = "town_router"
	roleTownSw   = "town_switch"
	roleVillage  = "village_router"
	roleVillageS = "village_switch"
)

// vendorsFor lists who may supply a role, by how often the city bought them.
func vendorsFor(role string) ([]*vendor, []float64) {
	switch role {
	case roleCore, roleEgress:
		return []*vendor{huawei}, []float64{1}
	case roleAgg:
		return []*vendor{huawei, h3c, cisco}, []float64{.5, .4, .1}
	case roleTown:
		return []*vendor{huawei, h3c, ruijie, zte, cisco}, []float64{.35, .3, .15, .15, .05}
	}
	return []*vendor{huawei, h3c, ruijie, zte}, []float64{.3, .3, .2, .2}
}

// sysObjectID and sysDescr of a device.
func (d *wanDevice) identity() (oid, descr string) {
	m := models[d.vendor][d.Role]
	descr = m.Descr
	if n := countVerbs(descr); n == 1 {
		descr = fmt.Sprintf(descr, m.Name)
	} else if n == 2 {
		descr = fmt.Sprintf(descr, m.Name, m.Name)
	}
	return d.vendor.Enter + "." + m.ObjectID, descr
}

func countVerbs(s string) int {
	n := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 's' {
			n++
		}
	}
	return n
}
