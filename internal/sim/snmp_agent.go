package sim

import (
	"errors"
	"fmt"

	"github.com/VictoriaMetrics/metrics"
	"github.com/gosnmp/gosnmp"
)

// The agent answers SNMPv1 and v2c GET, GETNEXT and GETBULK with community
// "public"; anything else is dropped without an answer and counted, as real
// agents do with a wrong community. Packets are decoded and encoded by gosnmp.
//
// Response size: a response never exceeds maxResponse = 1,472 bytes, the UDP
// payload of one 1,500-byte Ethernet frame, which is also net-snmp's default
// maximum message size. GETBULK stops adding varbinds before the bound (the
// manager continues from the last OID); a GET or GETNEXT whose answer does not
// fit gets tooBig, as RFC 3416 §4.2.1 asks.

const (
	community   = "public"
	maxResponse = 1472
	maxRequest  = 4096 // bytes read per datagram; longer ones are dropped
	maxVarbinds = 128  // in one request
	maxRepeats  = 512  // GETBULK max-repetitions honoured
)

// Own metrics: request kinds and reasons for drops, never a device.
var (
	snmpGet      = metrics.NewCounter(`swanwatch_sim_snmp_requests_total{pdu="get"}`)
	snmpGetNext  = metrics.NewCounter(`swanwatch_sim_snmp_requests_total{pdu="getnext"}`)
	snmpGetBulk  = metrics.NewCounter(`swanwatch_sim_snmp_requests_total{pdu="getbulk"}`)
	snmpTooBig   = metrics.NewCounter(`swanwatch_sim_snmp_too_big_total`)
	snmpBooting  = metrics.NewCounter(`swanwatch_sim_snmp_unanswered_total{reason="booting"}`)
	dropDecode   = metrics.NewCounter(`swanwatch_sim_snmp_dropped_total{reason="decode"}`)
	dropVersion  = metrics.NewCounter(`swanwatch_sim_snmp_dropped_total{reason="version"}`)
	dropCommun   = metrics.NewCounter(`swanwatch_sim_snmp_dropped_total{reason="community"}`)
	dropPDU      = metrics.NewCounter(`swanwatch_sim_snmp_dropped_total{reason="pdu_type"}`)
	dropOversize = metrics.NewCounter(`swanwatch_sim_snmp_dropped_total{reason="oversize"}`)
	dropBadOID   = metrics.NewCounter(`swanwatch_sim_snmp_dropped_total{reason="bad_oid"}`)
	dropEncode   = metrics.NewCounter(`swanwatch_sim_snmp_dropped_total{reason="encode"}`)
)

// errDrop marks a request that gets no answer.
var errDrop = errors.New("request dropped")

// handle answers one datagram for device d at t; a nil answer means none.
func (n *wanNet) handle(d *wanDevice, m *deviceMIB, req []byte, t float64) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil { // a decoder panic on hostile bytes must not kill the agent
			dropDecode.Inc()
			out, err = nil, fmt.Errorf("decode: panic: %v: %w", r, errDrop)
		}
	}()
	if len(req) > maxRequest {
		dropOversize.Inc()
		return nil, fmt.Errorf("request of %d bytes: %w", len(req), errDrop)
	}
	// A decoder per request: gosnmp's decoder sets defaults in itself.
	pkt, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(req)
	if err != nil {
		dropDecode.Inc()
		return nil, fmt.Errorf("decode: %w: %w", err, errDrop)
	}
	if err := accept(pkt); err != nil {
		return nil, err
	}
	if n.booting(d, t) {
		snmpBooting.Inc()
		return nil, fmt.Errorf("device booting: %w", errDrop)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ctx.reset(n, d, t)
	return m.respond(pkt)
}

// accept checks version, community, PDU type and size of a decoded request.
func accept(pkt *gosnmp.SnmpPacket) error {
	switch {
	case pkt.Version != gosnmp.Version1 && pkt.Version != gosnmp.Version2c:
		dropVersion.Inc()
		return fmt.Errorf("version %v: %w", pkt.Version, errDrop)
	case pkt.Community != community:
		dropCommun.Inc()
		return fmt.Errorf("wrong community: %w", errDrop) // never echo a secret
	case len(pkt.Variables) > maxVarbinds:
		dropOversize.Inc()
		return fmt.Errorf("%d varbinds: %w", len(pkt.Variables), errDrop)
	}
	switch pkt.PDUType {
	case gosnmp.GetRequest:
		snmpGet.Inc()
	case gosnmp.GetNextRequest:
		snmpGetNext.Inc()
	case gosnmp.GetBulkRequest:
		if pkt.Version == gosnmp.Version1 {
			dropPDU.Inc()
			return fmt.Errorf("getbulk in v1: %w", errDrop)
		}
		snmpGetBulk.Inc()
	default:
		dropPDU.Inc()
		return fmt.Errorf("pdu type %v: %w", pkt.PDUType, errDrop)
	}
	return nil
}

// parseNames parses a request's OIDs.
func parseNames(vbs []gosnmp.SnmpPDU) ([][]uint32, error) {
	out := make([][]uint32, len(vbs))
	for i, vb := range vbs {
		o, err := parseOID(vb.Name)
		if err != nil {
			dropBadOID.Inc()
			return nil, fmt.Errorf("varbind %d: %w: %w", i+1, err, errDrop)
		}
		out[i] = o
	}
	return out, nil
}

// respond builds the Response-PDU for a checked request.
func (m *deviceMIB) respond(req *gosnmp.SnmpPacket) ([]byte, error) {
	names, err := parseNames(req.Variables)
	if err != nil {
		return nil, err
	}
	resp := &gosnmp.SnmpPacket{Version: req.Version, Community: req.Community, PDUType: gosnmp.GetResponse,
		RequestID: req.RequestID}
	budget := maxResponse - responseOverhead(len(req.Community))
	tooBig := false
	switch req.PDUType {
	case gosnmp.GetRequest:
		resp.Variables, resp.Error, resp.ErrorIndex = m.getAll(req.Version, names)
		tooBig = size(resp.Variables) > budget
	case gosnmp.GetNextRequest:
		resp.Variables, resp.Error, resp.ErrorIndex = m.nextAll(req.Version, names)
		tooBig = size(resp.Variables) > budget
	default:
		resp.Variables, tooBig = m.bulk(names, int(req.NonRepeaters), int(req.MaxRepetitions), budget)
	}
	if tooBig {
		snmpTooBig.Inc()
		resp.Variables, resp.Error, resp.ErrorIndex = nil, gosnmp.TooBig, 0
	}
	b, err := resp.MarshalMsg()
	if err != nil {
		dropEncode.Inc()
		return nil, fmt.Errorf("encode: %w: %w", err, errDrop)
	}
	return b, nil
}
