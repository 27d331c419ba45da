package nvr

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"
)

// HOST-RESOURCES-MIB (RFC 2790): the storage table gives each filesystem's
// size and use, the device table each disk's status.
const (
	oidHrStorageEntry = ".1.3.6.1.2.1.25.2.3.1"
	oidHrDeviceEntry  = ".1.3.6.1.2.1.25.3.2.1"

	// hrStorageEntry and hrDeviceEntry columns.
	colStorageType, colStorageDescr, colStorageUnits, colStorageSize, colStorageUsed = 2, 3, 4, 5, 6
	colDeviceType, colDeviceDescr, colDeviceStatus                                   = 2, 3, 5

	oidStorageFixedDisk   = ".1.3.6.1.2.1.25.2.1.4"
	oidStorageNetworkDisk = ".1.3.6.1.2.1.25.2.1.10"
	oidDeviceDiskStorage  = ".1.3.6.1.2.1.25.3.1.6"

	// hrDeviceStatus: unknown(1) running(2) warning(3) testing(4) down(5).
	hrDeviceRunning, hrDeviceWarning, hrDeviceDown = 2, 3, 5

	// maxSNMPVarbinds bounds one walk: a recorder's tables are tens of rows.
	maxSNMPVarbinds = 20000
)

// errSNMPStop ends a walk that runs away.
var errSNMPStop = errors.New("walk exceeds the varbind bound")

// hostResources reads the disks of a recorder's SNMP agent (v2c): capacity
// and free space of its fixed and network disks from hrStorageTable, and the
// health of its disk devices from hrDeviceStatus where the agent has them.
// Its errors are the SNMP stage's, never the round's.
func hostResources(ctx context.Context, addr, community string, timeout time.Duration) ([]disk, error) {
	host, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl))
	}
	g := &gosnmp.GoSNMP{Target: host, Port: uint16(port), Community: community, Version: gosnmp.Version2c,
		Transport: "udp", Context: ctx, Retries: 1, Timeout: max(timeout/2, time.Millisecond),
		MaxRepetitions: 25, MaxOids: gosnmp.MaxOids}
	if err := g.Connect(); err != nil {
		return nil, fmt.Errorf("SNMP %s: %w", addr, err)
	}
	conn := g.Conn
	stop := context.AfterFunc(ctx, func() { conn.Close() }) // ends a read under way
	defer func() { stop(); conn.Close() }()
	storage, err := walkTable(g, oidHrStorageEntry)
	if err != nil {
		return nil, snmpError(ctx, addr, err)
	}
	devices, err := walkTable(g, oidHrDeviceEntry)
	if err != nil {
		return nil, snmpError(ctx, addr, err)
	}
	return uniqueNames(append(storageDisks(storage), deviceDisks(devices)...)), nil
}

func snmpError(ctx context.Context, addr string, err error) error {
	mSNMPErrors.Inc()
	if ctx.Err() != nil || errors.Is(err, gosnmp.ErrMaxRetriesExceeded) {
		return fmt.Errorf("SNMP %s 无响应（团体名错误或代理未开启）: %w", addr, err)
	}
	return fmt.Errorf("SNMP %s: %w", addr, err)
}

// table is a walked table: row index → column → value.
type table map[string]map[int]gosnmp.SnmpPDU

// walkTable walks one table entry and groups its varbinds by row.
func walkTable(g *gosnmp.GoSNMP, entry string) (table, error) {
	t := table{}
	n := 0
	err := g.BulkWalk(entry, func(pdu gosnmp.SnmpPDU) error {
		if n++; n > maxSNMPVarbinds {
			return errSNMPStop
		}
		rest, ok := strings.CutPrefix(pdu.Name, entry+".")
		if !ok {
			return nil
		}
		colStr, row, ok := strings.Cut(rest, ".")
		col, err := strconv.Atoi(colStr)
		if !ok || err != nil {
			return nil
		}
		if t[row] == nil {
			t[row] = map[int]gosnmp.SnmpPDU{}
		}
		t[row][col] = pdu
		return nil
	})
	return t, err
}

// storageDisks turns hrStorage rows of disk types into sized disks named by
// hrStorageDescr (their health is not in this table).
func storageDisks(t table) []disk {
	var out []disk
	for _, row := range sortedRows(t) {
		r := t[row]
		typ, _ := r[colStorageType].Value.(string)
		if typ = "." + strings.TrimPrefix(typ, "."); typ != oidStorageFixedDisk && typ != oidStorageNetworkDisk {
			continue
		}
		units, size, used := snmpInt(r[colStorageUnits]), snmpInt(r[colStorageSize]), snmpInt(r[colStorageUsed])
		if units <= 0 || size <= 0 || used < 0 || used > size {
			continue
		}
		out = append(out, disk{name: snmpString(r[colStorageDescr], "storage"+row),
			capacity: float64(size) * float64(units), free: float64(size-used) * float64(units), sized: true})
	}
	return out
}

// deviceDisks turns hrDevice rows of disk storage into disks with health:
// running is healthy; warning and down are not; unknown and testing say
// nothing and are left out.
func deviceDisks(t table) []disk {
	var out []disk
	for _, row := range sortedRows(t) {
		r := t[row]
		typ, _ := r[colDeviceType].Value.(string)
		if "."+strings.TrimPrefix(typ, ".") != oidDeviceDiskStorage {
			continue
		}
		switch st := snmpInt(r[colDeviceStatus]); st {
		case hrDeviceRunning, hrDeviceWarning, hrDeviceDown:
			out = append(out, disk{name: snmpString(r[colDeviceDescr], "device"+row), ok: st == hrDeviceRunning, okKnown: true})
		}
	}
	return out
}

// sortedRows returns the row indexes in numeric order (one-arc indexes), so
// names and their order are stable.
func sortedRows(t table) []string {
	rows := slices.Collect(maps.Keys(t))
	slices.SortFunc(rows, func(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b)) })
	return rows
}

func snmpInt(p gosnmp.SnmpPDU) int64 {
	if p.Value == nil {
		return -1
	}
	v := gosnmp.ToBigInt(p.Value)
	if !v.IsInt64() || v.Cmp(big.NewInt(0)) < 0 {
		return -1
	}
	return v.Int64()
}

func snmpString(p gosnmp.SnmpPDU, def string) string {
	var s string
	switch v := p.Value.(type) {
	case []byte:
		s = string(v)
	case string:
		s = v
	}
	if s = strings.TrimSpace(strings.ToValidUTF8(s, "?")); s == "" {
		return def
	}
	return s
}
