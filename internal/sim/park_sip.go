package sim

import (
	"errors"
	"net"
	"sync/atomic"

	"github.com/VictoriaMetrics/metrics"
	"github.com/emiago/sipgo/sip"
)

// The park's public-address zones (广播分区): each zone's amplifier is an IP
// PA terminal, a SIP user agent on UDP. It answers OPTIONS with 200 (what a
// monitoring probe sends) and any other request but ACK with 501, as a
// terminal that only takes calls from its own PA server would; requests are
// parsed by sipgo's parser. A zone forced down stops answering at all.

var (
	paOptions = metrics.NewCounter(`swanwatch_sim_park_sip_requests_total{method="options"}`)
	paOther   = metrics.NewCounter(`swanwatch_sim_park_sip_requests_total{method="other"}`)
	paBad     = metrics.NewCounter(`swanwatch_sim_park_sip_requests_total{method="unparsable"}`)
)

// paTerminal is one zone's SIP terminal.
type paTerminal struct {
	name, site, parent string
	down               atomic.Bool

	udpEndpoint
}

func (p *park) buildPA() {
	for _, b := range parkBroadcast {
		p.pa = append(p.pa, &paTerminal{name: b.Name, site: b.Site, parent: b.Switch})
	}
}

func (t *paTerminal) listen(host string) error {
	return t.udpEndpoint.listen(host, "park broadcast "+t.name)
}

func (t *paTerminal) serve() {
	c := t.socket()
	buf := make([]byte, 65536)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if t.down.Load() {
			continue
		}
		if out := t.answer(buf[:n]); out != nil {
			_, _ = c.WriteToUDPAddrPort(out, from)
		}
	}
}

// answer is the reply to one datagram, nil for none: a request the terminal
// cannot answer (no Via, Call-ID or CSeq to echo) is dropped and counted.
func (t *paTerminal) answer(b []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil { // hostile bytes must not stop the zone
			paBad.Inc()
			out = nil
		}
	}()
	msg, err := sip.ParseMessage(b)
	if err != nil {
		paBad.Inc()
		return nil
	}
	req, ok := msg.(*sip.Request)
	if !ok || req.Method == sip.ACK {
		return nil
	}
	if req.Via() == nil || req.CallID() == nil || req.CSeq() == nil {
		paBad.Inc()
		return nil
	}
	code, reason := 501, "Not Implemented"
	if req.Method == sip.OPTIONS {
		paOptions.Inc()
		code, reason = 200, "OK"
	} else {
		paOther.Inc()
	}
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	res.AppendHeader(sip.NewHeader("Allow", "OPTIONS"))
	res.AppendHeader(sip.NewHeader("User-Agent", "IP-PA-Terminal/3.2 ("+t.name+")"))
	out = []byte(res.String())
	// sipgo's parser is lenient: a request with a broken Via or version would
	// be echoed into an answer no client parses. A terminal drops those.
	if _, err := sip.ParseMessage(out); err != nil {
		paBad.Inc()
		return nil
	}
	return out
}
