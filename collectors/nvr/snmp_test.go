package nvr

import (
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
)

// The real snmpd here sees no disk devices (a container has none), so the
// hrDeviceTable half is checked on the rows an NVR's agent answers with.
func TestHostResourcesRows(t *testing.T) {
	pdu := func(v any) gosnmp.SnmpPDU { return gosnmp.SnmpPDU{Value: v} }
	storage := table{
		"1":  {colStorageType: pdu(".1.3.6.1.2.1.25.2.1.2"), colStorageDescr: pdu([]byte("Physical memory")), colStorageUnits: pdu(1024), colStorageSize: pdu(100), colStorageUsed: pdu(50)},
		"31": {colStorageType: pdu(".1.3.6.1.2.1.25.2.1.4"), colStorageDescr: pdu([]byte("/mnt/sata1")), colStorageUnits: pdu(65536), colStorageSize: pdu(61035156), colStorageUsed: pdu(1035156)},
		"4":  {colStorageType: pdu(".1.3.6.1.2.1.25.2.1.10"), colStorageDescr: pdu([]byte("nas:/rec")), colStorageUnits: pdu(4096), colStorageSize: pdu(1000), colStorageUsed: pdu(2000)},
		"5":  {colStorageType: pdu(".1.3.6.1.2.1.25.2.1.10"), colStorageDescr: pdu([]byte("")), colStorageUnits: pdu(4096), colStorageSize: pdu(1000), colStorageUsed: pdu(0)},
	}
	ds := storageDisks(storage)
	assert.Equal(t, []disk{
		{name: "storage5", capacity: 4096000, free: 4096000, sized: true},
		{name: "/mnt/sata1", capacity: 61035156 * 65536, free: 60000000 * 65536, sized: true},
	}, ds, "memory and a row using more than its size are left out; numeric row order")

	devices := table{
		"196608": {colDeviceType: pdu(".1.3.6.1.2.1.25.3.1.3"), colDeviceDescr: pdu([]byte("CPU")), colDeviceStatus: pdu(2)},
		"1552":   {colDeviceType: pdu(".1.3.6.1.2.1.25.3.1.6"), colDeviceDescr: pdu([]byte("SATA disk 1")), colDeviceStatus: pdu(2)},
		"1553":   {colDeviceType: pdu(".1.3.6.1.2.1.25.3.1.6"), colDeviceDescr: pdu([]byte("SATA disk 2")), colDeviceStatus: pdu(5)},
		"1554":   {colDeviceType: pdu(".1.3.6.1.2.1.25.3.1.6"), colDeviceDescr: pdu([]byte("SATA disk 3")), colDeviceStatus: pdu(3)},
		"1555":   {colDeviceType: pdu(".1.3.6.1.2.1.25.3.1.6"), colDeviceDescr: pdu([]byte("SATA disk 4")), colDeviceStatus: pdu(1)},
	}
	assert.Equal(t, []disk{
		{name: "SATA disk 1", ok: true, okKnown: true},
		{name: "SATA disk 2", okKnown: true},
		{name: "SATA disk 3", okKnown: true},
	}, deviceDisks(devices), "running is healthy, down and warning are not, unknown says nothing")
}
