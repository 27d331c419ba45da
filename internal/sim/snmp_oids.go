package sim

import (
	"strconv"
	"strings"
)

// Every OID the simulated network devices serve, with its MIB name, in one place
// so that the SNMP collector's device profiles can be checked against it. Tables
// are given as their entry OID; a column is entry.N and a cell entry.N.index.
//
// Standard MIBs:
//
//	SNMPv2-MIB   system                 1.3.6.1.2.1.1   (sysDescr .1, sysObjectID .2, sysUpTime .3,
//	                                                     sysContact .4, sysName .5, sysLocation .6, sysServices .7)
//	IF-MIB       ifNumber               1.3.6.1.2.1.2.1.0
//	IF-MIB       ifEntry                1.3.6.1.2.1.2.2.1   (columns 1–20, see ifCol*)
//	IF-MIB       ifXEntry               1.3.6.1.2.1.31.1.1.1 (columns 1–19, see ifXCol*)
//	LLDP-MIB     lldpLocSysName         1.0.8802.1.1.2.1.3.3.0
//	LLDP-MIB     lldpLocPortEntry       1.0.8802.1.1.2.1.3.7.1 (index lldpLocPortNum = ifIndex;
//	                                                     .2 PortIdSubtype, .3 PortId = ifName, .4 PortDesc)
//	LLDP-MIB     lldpRemEntry           1.0.8802.1.1.2.1.4.1.1 (index TimeMark.LocalPortNum.Index, with
//	                                                     TimeMark 0, LocalPortNum = ifIndex, Index 1;
//	                                                     .4 ChassisIdSubtype 4 (MAC), .5 ChassisId,
//	                                                     .6 PortIdSubtype 5 (ifName), .7 PortId, .8 PortDesc, .9 SysName)
//	ENTITY-MIB   entPhysicalEntry       1.3.6.1.2.1.47.1.1.1.1 (.2 Descr, .5 Class, .7 Name) of the boards and,
//	                                                     on Huawei, of the transceiver ports (Name = ifName)
//	ENTITY-SENSOR-MIB entPhySensorEntry 1.3.6.1.2.1.99.1.1.1 (.1 type 8 = celsius, .2 scale 9 = units,
//	                                                     .3 precision 0, .4 value) — temperature of ZTE devices
//
// Vendor MIBs (CPU and memory in percent, temperature in °C), as the SNMP
// collector's profiles read them:
//
//	HUAWEI-ENTITY-EXTENT-MIB hwEntityStateEntry 1.3.6.1.4.1.2011.5.25.31.1.1.1.1 (index entPhysicalIndex;
//	                             .5 hwEntityCpuUsage, .7 hwEntityMemUsage, .11 hwEntityTemperature)
//	HUAWEI-ENTITY-EXTENT-MIB hwOpticalModuleInfoEntry 1.3.6.1.4.1.2011.5.25.31.1.1.3.1 (index the port's
//	                             entPhysicalIndex; .8 hwEntityOpticalRxPower, .9 hwEntityOpticalTxPower, in µW)
//	HH3C-ENTITY-EXT-MIB hh3cEntityExtStateEntry 1.3.6.1.4.1.25506.2.6.1.1.1.1 (index entPhysicalIndex;
//	                             .6 hh3cEntityExtCpuUsage, .8 hh3cEntityExtMemUsage, .12 hh3cEntityExtTemperature)
//	HH3C-TRANSCEIVER-INFO-MIB hh3cTransceiverInfoEntry 1.3.6.1.4.1.25506.2.70.1.1.1 (index ifIndex;
//	                             .9 hh3cTransceiverCurTXPower, .12 hh3cTransceiverCurRXPower, in 0.01 dBm)
//	CISCO-PROCESS-MIB cpmCPUTotalEntry 1.3.6.1.4.1.9.9.109.1.1.1.1 (index cpmCPUTotalIndex;
//	                             .8 cpmCPUTotal5minRev)
//	CISCO-MEMORY-POOL-MIB ciscoMemoryPoolEntry 1.3.6.1.4.1.9.9.48.1.1.1 (index pool 1 = processor;
//	                             .2 Name, .5 ciscoMemoryPoolUsed, .6 ciscoMemoryPoolFree, in bytes)
//	CISCO-ENTITY-SENSOR-MIB entSensorValueEntry 1.3.6.1.4.1.9.9.91.1.1.1.1 (index entPhysicalIndex;
//	                             .1 type 8 = celsius, .2 scale, .3 precision, .4 entSensorValue)
//	RUIJIE-PROCESS-MIB ruijieNodeCPUTotalEntry 1.3.6.1.4.1.4881.1.1.10.2.36.1.2.1 (index node;
//	                             .5 ruijieNodeCPUTotal5min)
//	RUIJIE-MEMORY-MIB ruijieMemoryPoolEntry 1.3.6.1.4.1.4881.1.1.10.2.35.1.1.1 (index pool;
//	                             .2 Name, .3 ruijieMemoryPoolCurrentUtilization)
//	RUIJIE-SYSTEM-MIB ruijieSystemMultipleTemperatureEntry 1.3.6.1.4.1.4881.1.1.10.2.1.1.44.1 (index;
//	                             .5 ruijieSystemMultipleTemperatureCurrent)
//	RUIJIE-FIBER-MIB ruijieFiberEntry 1.3.6.1.4.1.4881.1.1.10.2.105.1.1.1 (index ifIndex;
//	                             .76 RXpower, .81 TXpower, in 0.01 dBm)
//	ZXR10-MIB zxr10SystemUnitEntry 1.3.6.1.4.1.3902.3.3.1.1 (index unit 1; .4 zxr10SystemMemUsed,
//	                             .12 zxr10SystemCpuUtility5m)
var (
	oidSystem        = mustOID("1.3.6.1.2.1.1")
	oidInterfaces    = mustOID("1.3.6.1.2.1.2")
	oidIfEntry       = mustOID("1.3.6.1.2.1.2.2.1")
	oidIfXEntry      = mustOID("1.3.6.1.2.1.31.1.1.1")
	oidLldpLocSys    = mustOID("1.0.8802.1.1.2.1.3")
	oidLldpLocPort   = mustOID("1.0.8802.1.1.2.1.3.7.1")
	oidLldpRemEntry  = mustOID("1.0.8802.1.1.2.1.4.1.1")
	oidEntSensor     = mustOID("1.3.6.1.2.1.99.1.1.1")
	oidHwEntityState = mustOID("1.3.6.1.4.1.2011.5.25.31.1.1.1.1")
	oidHwOptical     = mustOID("1.3.6.1.4.1.2011.5.25.31.1.1.3.1")
	oidH3cEntityExt  = mustOID("1.3.6.1.4.1.25506.2.6.1.1.1.1")
	oidH3cTransceivr = mustOID("1.3.6.1.4.1.25506.2.70.1.1.1")
	oidCiscoCPU      = mustOID("1.3.6.1.4.1.9.9.109.1.1.1.1")
	oidCiscoMemPool  = mustOID("1.3.6.1.4.1.9.9.48.1.1.1")
	oidCiscoSensor   = mustOID("1.3.6.1.4.1.9.9.91.1.1.1.1")
	oidEntPhysical   = mustOID("1.3.6.1.2.1.47.1.1.1.1")
	oidRuijieCPU     = mustOID("1.3.6.1.4.1.4881.1.1.10.2.36.1.2.1")
	oidRuijieTemp    = mustOID("1.3.6.1.4.1.4881.1.1.10.2.1.1.44.1")
	oidRuijieFiber   = mustOID("1.3.6.1.4.1.4881.1.1.10.2.105.1.1.1")
	oidRuijieMem     = mustOID("1.3.6.1.4.1.4881.1.1.10.2.35.1.1.1")
	oidZteUnit       = mustOID("1.3.6.1.4.1.3902.3.3.1.1")
)

// IF-MIB ifEntry columns.
const (
	ifColIndex uint32 = iota + 1
	ifColDescr
	ifColType
	ifColMtu
	ifColSpeed
	ifColPhysAddress
	ifColAdminStatus
	ifColOperStatus
	ifColLastChange
	ifColInOctets
	ifColInUcastPkts
	ifColInNUcastPkts
	ifColInDiscards
	ifColInErrors
	ifColInUnknownProtos
	ifColOutOctets
	ifColOutUcastPkts
	ifColOutNUcastPkts
	ifColOutDiscards
	ifColOutErrors
)

// IF-MIB ifXEntry columns.
const (
	ifXColName uint32 = iota + 1
	ifXColInMulticastPkts
	ifXColInBroadcastPkts
	ifXColOutMulticastPkts
	ifXColOutBroadcastPkts
	ifXColHCInOctets
	ifXColHCInUcastPkts
	ifXColHCInMulticastPkts
	ifXColHCInBroadcastPkts
	ifXColHCOutOctets
	ifXColHCOutUcastPkts
	ifXColHCOutMulticastPkts
	ifXColHCOutBroadcastPkts
	ifXColLinkUpDownTrapEnable
	ifXColHighSpeed
	ifXColPromiscuousMode
	ifXColConnectorPresent
	ifXColAlias
	ifXColCounterDiscontinuityTime
)

// mustOID parses a dotted OID of this file; a typo is a programming error.
func mustOID(s string) []uint32 {
	o, err := parseOID(s)
	if err != nil {
		panic(err)
	}
	return o
}

// maxOIDLen bounds the sub-identifiers of a requested OID (RFC 2578 allows 128).
const maxOIDLen = 128

type oidError string

func (e oidError) Error() string { return string(e) }

const (
	errOIDEmpty  = oidError("empty OID")
	errOIDLong   = oidError("OID longer than 128 sub-identifiers")
	errOIDSubID  = oidError("bad OID sub-identifier")
	errOIDPrefix = oidError("OID does not start with 0, 1 or 2")
)

// parseOID reads ".1.3.6.1" or "1.3.6.1" into sub-identifiers.
func parseOID(s string) ([]uint32, error) {
	s = strings.TrimPrefix(s, ".")
	if s == "" {
		return nil, errOIDEmpty
	}
	out := make([]uint32, 0, 16)
	for part := range strings.SplitSeq(s, ".") {
		if len(out) == maxOIDLen {
			return nil, errOIDLong
		}
		n, err := strconv.ParseUint(part, 10, 32)
		if err != nil {
			return nil, errOIDSubID
		}
		out = append(out, uint32(n))
	}
	if out[0] > 2 {
		return nil, errOIDPrefix
	}
	return out, nil
}

// appendOID formats o as ".1.3.6.1", the form gosnmp marshals.
func appendOID(b []byte, o []uint32) []byte {
	for _, x := range o {
		b = append(b, '.')
		b = strconv.AppendUint(b, uint64(x), 10)
	}
	return b
}

// compareOID orders OIDs lexicographically, a prefix before its extensions.
func compareOID(a, b []uint32) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return len(a) - len(b)
}

func hasPrefix(o, p []uint32) bool {
	if len(o) < len(p) {
		return false
	}
	for i := range p {
		if o[i] != p[i] {
			return false
		}
	}
	return true
}
