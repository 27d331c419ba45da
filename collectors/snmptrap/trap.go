package snmptrap

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"
)

// Trap is one accepted trap, decoded and classified. OnTrap receives it; it
// holds no community or key.
type Trap struct {
	Time    time.Time
	Source  netip.Addr // UDP source address (IPv4-mapped addresses unmapped)
	Version string     // "v1", "v2c" or "v3"
	User    string     // v3 USM user name
	Inform  bool       // an InformRequest (answered with a Response, stored once)
	OID     string     // snmpTrapOID, numeric without a leading dot
	Uptime  time.Duration
	Vars    []Var // varbinds after sysUpTime.0 and snmpTrapOID.0

	// Filled from the profiles and the inventory before delivery.
	Name     string // symbolic name, e.g. linkDown; the OID when unknown
	Severity string // critical, major, minor, warning or info
	IfIndex  int    // 0 when the trap names no interface
	IfName   string // ifName (from the trap, else the poller's for IfIndex), else ifDescr
	IfDescr  string // ifDescr, when the trap carries it
	Entity   string // entPhysicalName (or Descr) of vendor entity traps
	Device   string // inventory name, else the source address
	Labels   map[string]string

	requestID uint32 // of an inform, to store its retransmissions once
}

// Var is one varbind rendered as text.
type Var struct {
	OID, Type, Value string
}

// Well-known OIDs, numeric without the leading dot.
const (
	oidSysUpTime    = "1.3.6.1.2.1.1.3.0"
	oidSnmpTrapOID  = "1.3.6.1.6.3.1.1.4.1.0"
	oidStdTraps     = "1.3.6.1.6.3.1.1.5."
	oidIfIndex      = "1.3.6.1.2.1.2.2.1.1."
	oidIfDescr      = "1.3.6.1.2.1.2.2.1.2."
	oidIfName       = "1.3.6.1.2.1.31.1.1.1.1."
	oidEntPhysDescr = "1.3.6.1.2.1.47.1.1.1.1.2."
	oidEntPhysName  = "1.3.6.1.2.1.47.1.1.1.1.7."
)

// Bounds on what one trap may bring into the event store.
const (
	maxVars     = 64
	maxValueLen = 256
)

// fromPacket converts a decoded packet into a Trap. The values are copied
// out, because the packet may point into the receive buffer.
func fromPacket(p *gosnmp.SnmpPacket) (Trap, error) {
	t := Trap{Version: versionName(p.Version), Inform: p.PDUType == gosnmp.InformRequest}
	if p.PDUType == gosnmp.Trap {
		t.OID = v1TrapOID(p.SnmpTrap)
		t.Uptime = time.Duration(p.Timestamp) * 10 * time.Millisecond
	}
	for _, v := range p.Variables {
		oid := strings.TrimPrefix(v.Name, ".")
		switch {
		case oid == oidSysUpTime && t.Uptime == 0:
			t.Uptime = time.Duration(gosnmp.ToBigInt(v.Value).Int64()) * 10 * time.Millisecond
		case oid == oidSnmpTrapOID && t.OID == "":
			s, _ := v.Value.(string)
			t.OID = strings.TrimPrefix(s, ".")
		case len(t.Vars) < maxVars:
			if v.Type == gosnmp.UnknownType && v.Value == nil {
				badVarbinds.Inc() // an undefined BER tag: kept, empty, counted
			}
			t.Vars = append(t.Vars, Var{OID: oid, Type: v.Type.String(), Value: render(v)})
		}
	}
	if !validOID(t.OID) {
		return Trap{}, fmt.Errorf("trap has no valid snmpTrapOID (%q)", clip(t.OID))
	}
	t.IfIndex, t.IfName, t.IfDescr, t.Entity = ifAndEntity(t.Vars)
	return t, nil
}

func versionName(v gosnmp.SnmpVersion) string {
	switch v {
	case gosnmp.Version1:
		return "v1"
	case gosnmp.Version3:
		return "v3"
	}
	return "v2c"
}

// v1TrapOID maps a v1 trap to its v2 snmpTrapOID as RFC 3584 section 3.1 does.
func v1TrapOID(t gosnmp.SnmpTrap) string {
	if t.GenericTrap >= 0 && t.GenericTrap < 6 {
		return oidStdTraps + strconv.Itoa(t.GenericTrap+1)
	}
	return strings.TrimPrefix(t.Enterprise, ".") + ".0." + strconv.Itoa(t.SpecificTrap)
}

// ifAndEntity finds the interface and the physical entity a trap is about.
func ifAndEntity(vars []Var) (ifIndex int, ifName, ifDescr, entity string) {
	var entDescr string
	for _, v := range vars {
		switch {
		case strings.HasPrefix(v.OID, oidIfIndex):
			ifIndex, _ = strconv.Atoi(v.Value)
		case strings.HasPrefix(v.OID, oidIfName):
			ifName = v.Value
		case strings.HasPrefix(v.OID, oidIfDescr):
			ifDescr = v.Value
		case strings.HasPrefix(v.OID, oidEntPhysName):
			entity = v.Value
		case strings.HasPrefix(v.OID, oidEntPhysDescr):
			entDescr = v.Value
		}
		if ifIndex == 0 {
			ifIndex = indexOf(v.OID, oidIfName, oidIfDescr)
		}
	}
	return ifIndex, ifName, ifDescr, firstOf(entity, entDescr)
}

// indexOf returns the ifIndex suffix of an ifName/ifDescr varbind.
func indexOf(oid string, prefixes ...string) int {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(oid, p); ok {
			n, _ := strconv.Atoi(rest)
			return n
		}
	}
	return 0
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// render turns a varbind value into bounded, printable text.
func render(v gosnmp.SnmpPDU) string {
	switch x := v.Value.(type) {
	case []byte:
		if utf8.Valid(x) {
			return clip(string(x))
		}
		return clip(fmt.Sprintf("0x%x", x))
	case string:
		return clip(strings.TrimPrefix(x, "."))
	case nil:
		return ""
	}
	return clip(fmt.Sprint(v.Value))
}

// clip bounds a value and replaces control characters, so that a varbind
// cannot forge lines in a log or the event text.
func clip(s string) string {
	if len(s) > maxValueLen {
		s = s[:maxValueLen]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// validOID reports whether s is a numeric OID such as 1.3.6.1.
func validOID(s string) bool {
	if s == "" || len(s) > 512 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return false
		}
	}
	return true
}
