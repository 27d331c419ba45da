package snmptrap

import (
	"errors"
	"fmt"
)

// header is what the receiver checks before handing a packet to gosnmp's full
// decoder: the version, the v1/v2c community, and for v3 the flags, security
// model, engine ID and user. Reading it costs no allocation beyond the strings,
// so a packet with a wrong community or an unknown user is refused cheaply.
type header struct {
	version   int // 0 = v1, 1 = v2c, 3 = v3 (the wire values)
	community string
	flags     byte
	secModel  int
	engineID  string
	boots     int64 // msgAuthoritativeEngineBoots; -1 when not a small non-negative integer
	time      int64 // msgAuthoritativeEngineTime; -1 likewise
	user      string
	// msgAuthenticationParameters: where in the packet, and how long.
	authOff, authLen int
}

var errTruncated = errors.New("truncated BER")

// tlv splits one BER element off b: its tag, contents and the rest.
func tlv(b []byte) (tag byte, val, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, errTruncated
	}
	tag, n := b[0], int(b[1])
	b = b[2:]
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 3 || len(b) < k {
			return 0, nil, nil, fmt.Errorf("BER length of %d octets", k)
		}
		n = 0
		for _, c := range b[:k] {
			n = n<<8 | int(c)
		}
		b = b[k:]
	}
	if n > len(b) {
		return 0, nil, nil, errTruncated
	}
	return tag, b[:n], b[n:], nil
}

// expect reads one element with the given tag.
func expect(b []byte, want byte, what string) (val, rest []byte, err error) {
	tag, val, rest, err := tlv(b)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", what, err)
	}
	if tag != want {
		return nil, nil, fmt.Errorf("read %s: tag 0x%02x, want 0x%02x", what, tag, want)
	}
	return val, rest, nil
}

// smallInt decodes a non-negative INTEGER of at most 4 octets; version and
// security model are small, and anything else is a malformed header.
func smallInt(v []byte) (int, error) {
	if len(v) == 0 || len(v) > 4 || v[0]&0x80 != 0 {
		return 0, fmt.Errorf("integer of %d octets", len(v))
	}
	n := 0
	for _, c := range v {
		n = n<<8 | int(c)
	}
	return n, nil
}

// lenientInt is smallInt that returns -1 instead of an error.
func lenientInt(v []byte) int64 {
	n, err := smallInt(v)
	if err != nil {
		return -1
	}
	return int64(n)
}

const (
	tagSeq, tagInt, tagOctets = 0x30, 0x02, 0x04
)

// readHeader parses the start of an SNMP message.
func readHeader(pkt []byte) (header, error) {
	var h header
	msg, _, err := expect(pkt, tagSeq, "message")
	if err != nil {
		return h, err
	}
	v, msg, err := expect(msg, tagInt, "version")
	if err != nil {
		return h, err
	}
	if h.version, err = smallInt(v); err != nil {
		return h, fmt.Errorf("read version: %w", err)
	}
	switch h.version {
	case 0, 1:
		c, _, err := expect(msg, tagOctets, "community")
		h.community = string(c)
		return h, err
	case 3:
		return h, h.readUSM(msg, pkt)
	}
	return h, fmt.Errorf("unsupported SNMP version %d", h.version)
}

// readUSM reads msgGlobalData and the USM security parameters of pkt.
func (h *header) readUSM(msg, pkt []byte) error {
	global, msg, err := expect(msg, tagSeq, "msgGlobalData")
	if err != nil {
		return err
	}
	if err := h.readGlobal(global); err != nil {
		return err
	}
	sp, _, err := expect(msg, tagOctets, "msgSecurityParameters")
	if err != nil {
		return err
	}
	usm, _, err := expect(sp, tagSeq, "UsmSecurityParameters")
	if err != nil {
		return err
	}
	return h.readSecurity(usm, pkt)
}

// readGlobal reads msgFlags and msgSecurityModel of msgGlobalData.
func (h *header) readGlobal(global []byte) error {
	_, global, err1 := expect(global, tagInt, "msgID")
	_, global, err2 := expect(global, tagInt, "msgMaxSize")
	flags, global, err3 := expect(global, tagOctets, "msgFlags")
	model, _, err4 := expect(global, tagInt, "msgSecurityModel")
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return err
	}
	if len(flags) != 1 {
		return fmt.Errorf("msgFlags of %d octets", len(flags))
	}
	h.flags = flags[0]
	var err error
	if h.secModel, err = smallInt(model); err != nil {
		return fmt.Errorf("read msgSecurityModel: %w", err)
	}
	return nil
}

// readSecurity reads the engine ID, boots, time, user name and where the
// digest is of UsmSecurityParameters. Every slice here is cut from pkt's
// front without a capacity limit, so the digest's offset in pkt is the
// difference of their capacities.
func (h *header) readSecurity(usm, pkt []byte) error {
	engine, usm, err := expect(usm, tagOctets, "msgAuthoritativeEngineID")
	if err != nil {
		return err
	}
	boots, usm, err1 := expect(usm, tagInt, "msgAuthoritativeEngineBoots")
	secs, usm, err2 := expect(usm, tagInt, "msgAuthoritativeEngineTime")
	user, usm, err3 := expect(usm, tagOctets, "msgUserName")
	h.engineID, h.user = string(engine), string(user)
	if auth, _, err := expect(usm, tagOctets, "msgAuthenticationParameters"); err == nil {
		h.authOff, h.authLen = cap(pkt)-cap(auth), len(auth)
	}
	// Only an inform's time is checked (engine.go); a malformed value there
	// fails that check instead of dropping every trap that carries one.
	h.boots, h.time = lenientInt(boots), lenientInt(secs)
	return errors.Join(err1, err2, err3)
}
