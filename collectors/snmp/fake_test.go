package snmp

import (
	"errors"
	"net"
	"slices"
	"sync"
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/require"
)

// fakeAgent is a small SNMP v1/v2c responder on 127.0.0.1:0 built from gosnmp's
// own packet encoding, for the faults a real snmpd cannot produce: wrong
// types, truncated or oversized answers, OID loops, counter wraps and
// sysUpTime going backwards. It serves GET, GETNEXT and GETBULK over a sorted
// table; hook may rewrite or replace any answer.
type fakeAgent struct {
	conn net.PacketConn
	wg   sync.WaitGroup

	mu    sync.Mutex
	table []gosnmp.SnmpPDU
	hook  func(req, resp *gosnmp.SnmpPacket) []byte // nil: the answer as encoded
}

func startFake(t testing.TB, table []gosnmp.SnmpPDU) *fakeAgent {
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	f := &fakeAgent{conn: conn}
	f.setTable(table)
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(func() { conn.Close(); f.wg.Wait() })
	return f
}

func (f *fakeAgent) addr() string { return f.conn.LocalAddr().String() }

func (f *fakeAgent) setTable(table []gosnmp.SnmpPDU) {
	table = slices.Clone(table)
	slices.SortFunc(table, func(a, b gosnmp.SnmpPDU) int {
		if oidLess(a.Name, b.Name) {
			return -1
		}
		return 1
	})
	f.mu.Lock()
	f.table = table
	f.mu.Unlock()
}

// set replaces the value of one OID.
func (f *fakeAgent) set(oid string, typ gosnmp.Asn1BER, v any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.table {
		if f.table[i].Name == oid {
			f.table[i].Type, f.table[i].Value = typ, v
			return
		}
	}
	panic("fake agent has no " + oid)
}

func (f *fakeAgent) setHook(h func(req, resp *gosnmp.SnmpPacket) []byte) {
	f.mu.Lock()
	f.hook = h
	f.mu.Unlock()
}

func (f *fakeAgent) serve() {
	defer f.wg.Done()
	buf := make([]byte, 65535)
	for {
		n, from, err := f.conn.ReadFrom(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		if out := f.reply(buf[:n]); out != nil {
			_, _ = f.conn.WriteTo(out, from)
		}
	}
}

func (f *fakeAgent) reply(in []byte) []byte {
	req, err := (&gosnmp.GoSNMP{}).SnmpDecodePacket(in)
	if err != nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &gosnmp.SnmpPacket{Version: req.Version, Community: req.Community,
		PDUType: gosnmp.GetResponse, RequestID: req.RequestID}
	f.answer(req, resp)
	if f.hook != nil {
		return f.hook(req, resp)
	}
	out, err := resp.MarshalMsg()
	if err != nil {
		panic(err)
	}
	return out
}

func (f *fakeAgent) answer(req, resp *gosnmp.SnmpPacket) {
	switch req.PDUType {
	case gosnmp.GetRequest:
		for _, vb := range req.Variables {
			resp.Variables = append(resp.Variables, f.get(vb.Name))
		}
	case gosnmp.GetNextRequest:
		for i, vb := range req.Variables {
			next, ok := f.next(vb.Name)
			if !ok && req.Version == gosnmp.Version1 {
				resp.Error, resp.ErrorIndex, resp.Variables = gosnmp.NoSuchName, uint8(i+1), req.Variables
				return
			}
			resp.Variables = append(resp.Variables, next)
		}
	case gosnmp.GetBulkRequest:
		last := make([]string, len(req.Variables))
		for i, vb := range req.Variables {
			last[i] = vb.Name
		}
		for range req.MaxRepetitions {
			for i := range last {
				next, _ := f.next(last[i])
				last[i] = next.Name
				resp.Variables = append(resp.Variables, next)
			}
		}
	}
}

func (f *fakeAgent) get(oid string) gosnmp.SnmpPDU {
	for _, vb := range f.table {
		if vb.Name == oid {
			return vb
		}
	}
	return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.NoSuchObject}
}

func (f *fakeAgent) next(oid string) (gosnmp.SnmpPDU, bool) {
	for _, vb := range f.table {
		if oidLess(oid, vb.Name) {
			return vb, true
		}
	}
	return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.EndOfMibView}, false
}

// deviceTable is a small device: sysUpTime, sysObjectID and interfaces with
// 32-bit counters only (hc false) or with 64-bit ones too.
func deviceTable(uptime uint32, sysObjectID string, hc bool, ifs ...fakeIf) []gosnmp.SnmpPDU {
	t := []gosnmp.SnmpPDU{
		{Name: oidSysUpTime, Type: gosnmp.TimeTicks, Value: uptime},
		{Name: oidSysObjectID, Type: gosnmp.ObjectIdentifier, Value: sysObjectID},
	}
	for _, i := range ifs {
		x := "." + i.index
		t = append(t,
			gosnmp.SnmpPDU{Name: ifCols[cSpeed] + x, Type: gosnmp.Gauge32, Value: i.speed},
			gosnmp.SnmpPDU{Name: ifCols[cAdmin] + x, Type: gosnmp.Integer, Value: 1},
			gosnmp.SnmpPDU{Name: ifCols[cOper] + x, Type: gosnmp.Integer, Value: 1},
			gosnmp.SnmpPDU{Name: ifCols[cInOct] + x, Type: gosnmp.Counter32, Value: i.in32},
			gosnmp.SnmpPDU{Name: ifCols[cOutOct] + x, Type: gosnmp.Counter32, Value: uint(7)},
			gosnmp.SnmpPDU{Name: ifCols[cInErr] + x, Type: gosnmp.Counter32, Value: uint(3)},
			gosnmp.SnmpPDU{Name: ifCols[cName] + x, Type: gosnmp.OctetString, Value: []byte(i.name)},
		)
		if hc {
			t = append(t, gosnmp.SnmpPDU{Name: ifCols[cHCInOct] + x, Type: gosnmp.Counter64, Value: uint64(i.in32)})
		}
	}
	return t
}

type fakeIf struct {
	index, name string
	speed       uint
	in32        uint
}

const sysObjectIDNetSNMP = ".1.3.6.1.4.1.8072.3.2.10"
