package netprobe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// magic starts the payload of every echo request we send, followed by the
// round's 32-bit token: replies are told apart by payload, which both socket
// modes return unchanged (a ping socket rewrites the echo ID, a raw socket
// sees every ICMP packet of the machine).
const magic = "SWANWTCH"

const payloadLen = len(magic) + 8 // magic, token, 4 spare bytes

// pinger is one ICMP socket per family shared by every round of the Collector:
// one socket and one reader goroutine serve 1,800 links, where a socket per
// round would cost 3,600 file descriptors and reader goroutines per interval
// and, with raw sockets, deliver every reply to every socket.
type pinger struct {
	family string
	proto  int // 1 (ICMP) or 58 (ICMPv6)
	raw    bool
	conn   *icmp.PacketConn
	log    *slog.Logger

	mu     sync.Mutex
	rounds map[uint32]*echoRound // by token
	next   uint32
	done   chan struct{}
}

// openPinger opens the family's socket in the given mode (auto: raw, then
// unprivileged) and starts its reader.
func openPinger(family, mode string, log *slog.Logger) (*pinger, error) {
	p := &pinger{family: family, proto: 1, log: log, rounds: map[uint32]*echoRound{},
		next: rand.Uint32(), done: make(chan struct{})}
	rawNet, udpNet, laddr := "ip4:icmp", "udp4", "0.0.0.0"
	if family == FamilyV6 {
		p.proto, rawNet, udpNet, laddr = 58, "ip6:ipv6-icmp", "udp6", "::"
	}
	var errRaw, errUDP error
	if mode != ModeUnprivileged {
		p.conn, errRaw = icmp.ListenPacket(rawNet, laddr)
		p.raw = errRaw == nil
	}
	if p.conn == nil && mode != ModeRaw {
		p.conn, errUDP = icmp.ListenPacket(udpNet, laddr)
	}
	if p.conn == nil {
		return nil, fmt.Errorf("open %s icmp socket (run as root, grant CAP_NET_RAW, or allow ping sockets with sysctl net.ipv4.ping_group_range): %w",
			family, errors.Join(errRaw, errUDP))
	}
	if p.raw && family == FamilyV6 {
		// The kernel then hands this socket echo replies only, not the machine's
		// neighbour discovery and MLD traffic.
		var f ipv6.ICMPFilter
		f.SetAll(true)
		f.Accept(ipv6.ICMPTypeEchoReply)
		_ = p.conn.IPv6PacketConn().SetICMPFilter(&f)
	}
	go p.read()
	return p, nil
}

// close stops the reader and waits for it.
func (p *pinger) close() error {
	err := p.conn.Close()
	<-p.done
	return err
}

func (p *pinger) read() {
	defer close(p.done)
	buf := make([]byte, 1500) // larger datagrams are truncated and fail to parse
	for {
		n, from, err := p.conn.ReadFrom(buf)
		at := time.Now()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			p.ignore("read_error")
			time.Sleep(10 * time.Millisecond) // never spin on a persistent error
			continue
		}
		tok, seq, err := parseReply(p.proto, buf[:n])
		if err != nil {
			p.ignore("foreign") // another program's ICMP on a raw socket: normal
			continue
		}
		p.deliver(tok, seq, addrOf(from), at)
	}
}

func (p *pinger) deliver(tok uint32, seq int, from netip.Addr, at time.Time) {
	p.mu.Lock()
	r := p.rounds[tok]
	p.mu.Unlock()
	if r == nil {
		p.ignore("late") // its round has ended: counted lost there
		return
	}
	if !r.receive(seq, from, at) {
		p.ignore("mismatch")
	}
}

func (p *pinger) ignore(reason string) {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_netprobe_icmp_ignored_total{family=%q,reason=%q}`, p.family, reason)).Inc()
}

// register gives r a token no live round holds.
func (p *pinger) register(r *echoRound) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		p.next++
		if _, busy := p.rounds[p.next]; !busy && p.next != 0 {
			break
		}
	}
	r.token = p.next
	p.rounds[r.token] = r
}

func (p *pinger) unregister(r *echoRound) {
	p.mu.Lock()
	delete(p.rounds, r.token)
	p.mu.Unlock()
}

// send writes echo request seq of round r.
func (p *pinger) send(r *echoRound, seq int) error {
	var typ icmp.Type = ipv4.ICMPTypeEcho
	if p.family == FamilyV6 {
		typ = ipv6.ICMPTypeEchoRequest
	}
	data := make([]byte, payloadLen)
	copy(data, magic)
	binary.BigEndian.PutUint32(data[len(magic):], r.token)
	// The ID only matters on raw sockets (a ping socket sets its own); ICMPv6
	// checksums are filled in by the kernel, hence no pseudo-header.
	b, err := (&icmp.Message{Type: typ, Body: &icmp.Echo{ID: int(r.token & 0xffff), Seq: seq, Data: data}}).Marshal(nil)
	if err != nil {
		return fmt.Errorf("marshal echo request: %w", err)
	}
	var dst net.Addr = &net.IPAddr{IP: r.dst.AsSlice(), Zone: r.dst.Zone()}
	if !p.raw {
		dst = &net.UDPAddr{IP: r.dst.AsSlice(), Zone: r.dst.Zone()}
	}
	r.markSent(seq, time.Now())
	if _, err := p.conn.WriteTo(b, dst); err != nil {
		metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_netprobe_icmp_send_errors_total{family=%q}`, p.family)).Inc()
		return fmt.Errorf("send echo request to %s: %w", r.dst, err)
	}
	return nil
}

// parseReply extracts token and sequence from an echo reply of ours; anything
// else (other types, other programs' echoes, truncated data) is an error.
func parseReply(proto int, b []byte) (uint32, int, error) {
	m, err := icmp.ParseMessage(proto, b)
	if err != nil {
		return 0, 0, fmt.Errorf("parse icmp: %w", err)
	}
	if m.Type != ipv4.ICMPTypeEchoReply && m.Type != ipv6.ICMPTypeEchoReply {
		return 0, 0, fmt.Errorf("icmp type %v is not an echo reply", m.Type)
	}
	e, ok := m.Body.(*icmp.Echo)
	if !ok || len(e.Data) < len(magic)+4 || string(e.Data[:len(magic)]) != magic {
		return 0, 0, errors.New("echo reply without our payload")
	}
	return binary.BigEndian.Uint32(e.Data[len(magic):]), e.Seq, nil
}

func addrOf(a net.Addr) netip.Addr {
	var ip net.IP
	switch v := a.(type) {
	case *net.IPAddr:
		ip = v.IP
	case *net.UDPAddr:
		ip = v.IP
	}
	out, _ := netip.AddrFromSlice(ip)
	return out.Unmap()
}
