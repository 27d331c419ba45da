package tunhost

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Family of an echo packet, as the probe's `family` label spells it.
const (
	IPv4 = "ipv4"
	IPv6 = "ipv6"
)

const (
	protoICMP   = 1
	protoICMPv6 = 58
	ipv6HdrLen  = 40
)

// Echo is one echo request the host read from its TUN device.
type Echo struct {
	Family string
	ID     uint16
	Seq    uint16
}

// errNotEcho marks packets the host ignores (router solicitations, MLD, ...):
// the kernel sends those into any TUN device that is up.
var errNotEcho = errors.New("not an echo request")

// makeReply turns an IPv4 or IPv6 ICMP echo request (no link header, as a
// TUN device with IFF_NO_PI hands it out) into its echo reply, in place: addresses
// swapped, type changed, checksums recomputed. It is the host's only parser.
func makeReply(p []byte) (Echo, error) {
	if len(p) < 1 {
		return Echo{}, errors.New("empty packet")
	}
	switch p[0] >> 4 {
	case 4:
		return replyV4(p)
	case 6:
		return replyV6(p)
	}
	return Echo{}, fmt.Errorf("ip version %d: %w", p[0]>>4, errNotEcho)
}

func replyV4(p []byte) (Echo, error) {
	ihl := int(p[0]&0x0f) * 4
	if ihl < 20 || len(p) < ihl+8 {
		return Echo{}, fmt.Errorf("ipv4 packet of %d bytes, header %d: truncated", len(p), ihl)
	}
	if total := int(binary.BigEndian.Uint16(p[2:4])); total != len(p) {
		return Echo{}, fmt.Errorf("ipv4 total length %d but %d bytes read", total, len(p))
	}
	if p[9] != protoICMP || p[ihl] != 8 || p[ihl+1] != 0 {
		return Echo{}, errNotEcho
	}
	swap(p[12:16], p[16:20])
	p[8] = 64 // a fresh TTL, as a real host's reply has
	p[10], p[11] = 0, 0
	binary.BigEndian.PutUint16(p[10:12], checksum(0, p[:ihl]))
	icmp := p[ihl:]
	icmp[0] = 0
	icmp[2], icmp[3] = 0, 0
	binary.BigEndian.PutUint16(icmp[2:4], checksum(0, icmp))
	return echoOf(IPv4, icmp), nil
}

func replyV6(p []byte) (Echo, error) {
	if len(p) < ipv6HdrLen+8 {
		return Echo{}, fmt.Errorf("ipv6 packet of %d bytes: truncated", len(p))
	}
	plen := int(binary.BigEndian.Uint16(p[4:6]))
	if plen != len(p)-ipv6HdrLen {
		return Echo{}, fmt.Errorf("ipv6 payload length %d but %d bytes read", plen, len(p)-ipv6HdrLen)
	}
	if p[6] != protoICMPv6 || p[ipv6HdrLen] != 128 || p[ipv6HdrLen+1] != 0 {
		return Echo{}, errNotEcho
	}
	swap(p[8:24], p[24:40])
	p[7] = 64
	icmp := p[ipv6HdrLen:]
	icmp[0] = 129
	icmp[2], icmp[3] = 0, 0
	binary.BigEndian.PutUint16(icmp[2:4], checksum(pseudoSum(p[8:40], len(icmp)), icmp))
	return echoOf(IPv6, icmp), nil
}

func echoOf(family string, icmp []byte) Echo {
	return Echo{Family: family, ID: binary.BigEndian.Uint16(icmp[4:6]), Seq: binary.BigEndian.Uint16(icmp[6:8])}
}

func swap(a, b []byte) {
	for i := range a {
		a[i], b[i] = b[i], a[i]
	}
}

// pseudoSum is the unfolded sum of the IPv6 pseudo-header (RFC 8200 §8.1):
// source and destination, upper-layer length and next header.
func pseudoSum(addrs []byte, length int) uint32 {
	var s uint32
	for i := 0; i+1 < len(addrs); i += 2 {
		s += uint32(addrs[i])<<8 | uint32(addrs[i+1])
	}
	return s + uint32(length>>16) + uint32(length&0xffff) + protoICMPv6
}

// checksum is the Internet checksum (RFC 1071) of b, starting from an unfolded sum.
func checksum(sum uint32, b []byte) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}
