// Package devicefake serves fakes of the scenic area's vendor boxes for the
// device collector's tests and for the demo's simulated park: Hikvision
// turnstiles (ISAPI AcsWorkStatus, AcsEventTotalNum) and barriers
// (barrierGateStatus), a Xixun LED realtime server, a Novastar COEX
// processor, a parking JSON server, a Modbus gate board, a SIP broadcast
// terminal, a plain TCP service, WLAN controller tables as OID rows, and a
// Vzenith plate camera that pushes to a URL.
//
// Each fake follows the vendor's published format as far as the sources in
// ../shared/notes/swanlake.md show it (each file names its source and says
// where it had to guess), listens on its own address (127.0.0.1:0 in tests),
// and is driven at run time: set values, inject a fault (garbage, slow,
// hang, server error, reset), require basic or digest auth, and count the
// requests it served. Every method is safe for concurrent use.
//
// No real implementation of these boxes runs here; real peers (pymodbus,
// net-snmp snmpd, sipp) are used by the tests wherever one exists.
package devicefake
