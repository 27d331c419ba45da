package device

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/emiago/sipgo/sip"
)

// SIP OPTIONS to a broadcast terminal. Why not a sipgo UserAgent and Client:
// they start a transport and transaction layer with their own goroutines and
// a shared listening socket that outlive a round and must be closed apart
// from it, while one OPTIONS is a single non-INVITE transaction. Here each
// probe is a connected UDP socket of its own (the kernel drops datagrams from
// any other address, and an ICMP port unreachable comes back as a refusal),
// closed the moment the round's context ends; the request is ten header
// lines, and the answer is parsed by sipgo's parser. Retransmission follows
// RFC 3261 17.1.2.2: T1 = 500 ms doubling up to T2 = 4 s, and every T2 after
// a provisional answer, until a final answer or the round's deadline (which
// takes the place of timer F, 32 s).
const (
	sipT1          = 500 * time.Millisecond
	sipT2          = 4 * time.Second
	defaultSIPPort = "5060"
	maxSIPDatagram = 65535
)

// sipResult is a final answer to OPTIONS.
type sipResult struct {
	code int
	rtt  time.Duration
}

// collectSIP sends OPTIONS: any final answer 2xx-4xx means the terminal is
// alive (a 404 or 405 is a UA that answered); 5xx and 6xx mean it answered
// but is out of service. No answer fails the round.
func (r *round) collectSIP(ctx context.Context) error {
	addr, err := hostPort(r.t.Address, r.p.defaultPort())
	if err != nil {
		return err
	}
	res, err := sipOptions(ctx, addr)
	if err != nil {
		return fmt.Errorf("sip %s: %w", addr, err)
	}
	up := 0.0
	if res.code >= 200 && res.code < 500 {
		up = 1
	}
	return r.putProbes(map[string]float64{"up": up, "status_code": float64(res.code), "rtt_seconds": res.rtt.Seconds()})
}

// sipOptions runs one OPTIONS transaction over UDP until ctx ends.
func sipOptions(ctx context.Context, addr string) (sipResult, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, "udp", addr)
	if err != nil {
		return sipResult{}, netError(ctx, err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer func() {
		stop()
		conn.Close()
	}()
	tx := newSIPTransaction(conn.LocalAddr().String(), addr)
	start := time.Now()
	buf := make([]byte, maxSIPDatagram)
	for interval := sipT1; ; interval = min(2*interval, sipT2) {
		mRequests.Inc()
		if _, err := conn.Write(tx.request); err != nil {
			return sipResult{}, sipNetError(ctx, err)
		}
		res, provisional, err := tx.await(conn, buf, time.Now().Add(interval))
		switch {
		case err != nil:
			return sipResult{}, sipNetError(ctx, err)
		case res != nil:
			return sipResult{code: res.StatusCode, rtt: time.Since(start)}, nil
		case provisional:
			interval = sipT2 / 2 // RFC 3261: retransmit every T2 once proceeding
		}
	}
}

func sipNetError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w: no final answer to OPTIONS before the round's deadline", ErrTimeout)
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%w: ICMP port unreachable: no SIP user agent on this port", ErrRefused)
	}
	return netError(ctx, err)
}

// sipTransaction is one OPTIONS request and what identifies its answers.
type sipTransaction struct {
	request        []byte
	branch, callID string
}

func newSIPTransaction(local, remote string) *sipTransaction {
	tx := &sipTransaction{branch: sip.RFC3261BranchMagicCookie + randHex(8), callID: randHex(12) + "@swanwatch"}
	tag := randHex(6)
	lhost, _, _ := net.SplitHostPort(local)
	msg := fmt.Sprintf("OPTIONS sip:%[1]s SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP %[2]s;branch=%[3]s;rport\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: <sip:swanwatch@%[4]s>;tag=%[5]s\r\n"+
		"To: <sip:%[1]s>\r\n"+
		"Call-ID: %[6]s\r\n"+
		"CSeq: 1 OPTIONS\r\n"+
		"Contact: <sip:swanwatch@%[2]s>\r\n"+
		"Accept: application/sdp\r\n"+
		"User-Agent: swanwatch\r\n"+
		"Content-Length: 0\r\n\r\n",
		remote, local, tx.branch, hostForURI(lhost), tag, tx.callID)
	tx.request = []byte(msg)
	return tx
}

// hostForURI brackets an IPv6 host.
func hostForURI(h string) string {
	if ip := net.ParseIP(h); ip != nil && ip.To4() == nil {
		return "[" + h + "]"
	}
	return h
}

// await reads datagrams until the deadline: a final answer to this
// transaction ends it, a provisional one is noted, anything else (garbage,
// another transaction's answer, a request) is dropped and counted.
func (tx *sipTransaction) await(conn net.Conn, buf []byte, deadline time.Time) (*sip.Response, bool, error) {
	provisional := false
	if err := conn.SetReadDeadline(deadline); err != nil {
		return nil, false, err
	}
	for {
		n, err := conn.Read(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, provisional, nil
		}
		if err != nil {
			return nil, false, err
		}
		res, err := parseSIPResponse(buf[:n])
		if err != nil || !tx.matches(res) {
			mBadValues.Inc()
			continue
		}
		if res.StatusCode < 200 {
			provisional = true
			continue
		}
		return res, provisional, nil
	}
}

// parseSIPResponse parses one datagram that must be a SIP response.
func parseSIPResponse(data []byte) (*sip.Response, error) {
	msg, err := sip.ParseMessage(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadAnswer, err)
	}
	res, ok := msg.(*sip.Response)
	if !ok {
		return nil, fmt.Errorf("%w: a SIP request where an answer was due", ErrBadAnswer)
	}
	if res.StatusCode < 100 || res.StatusCode > 699 {
		return nil, fmt.Errorf("%w: status %d", ErrBadAnswer, res.StatusCode)
	}
	return res, nil
}

// matches checks an answer against the transaction (RFC 3261 17.1.3: the top
// Via's branch and the CSeq method), and the Call-ID for good measure.
func (tx *sipTransaction) matches(res *sip.Response) bool {
	via, cseq, cid := res.Via(), res.CSeq(), res.CallID()
	if via == nil || cseq == nil || cid == nil {
		return false
	}
	branch, _ := via.Params.Get("branch")
	return branch == tx.branch && cseq.MethodName == sip.OPTIONS && cid.Value() == tx.callID
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
