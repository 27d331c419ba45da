package snmp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"syscall"
	"time"

	"github.com/gosnmp/gosnmp"
)

// session is one round's conversation with one device. gosnmp has no
// per-call context, so the session makes the round's ctx win: every request's
// timeout is cut to what is left of the deadline, and the socket is closed the
// moment ctx is done, which ends any read that is under way.
type session struct {
	g        *gosnmp.GoSNMP
	ctx      context.Context
	timeout  time.Duration // per request, before the deadline cut
	maxReps  int
	maxOIDs  int
	stopConn func() bool
	pdus     int // requests sent, for the benchmark figures
	oids     int // varbinds received
	// Datagrams received in the session and before the current request: an
	// error after the agent answered is about the answer, not the network.
	recvs, recvsBefore int
	seeded             bool // v3: the engine came from the cache, no discovery
}

// dial opens a UDP socket to the device of a parsed target. A v3 session
// starts from the engine the last round learnt (engine.go), which saves the
// discovery request.
func dial(ctx context.Context, tp targetParams, cfg Config, engine engineCache, now time.Time) (*session, error) {
	g := &gosnmp.GoSNMP{
		Target: tp.host, Port: tp.port, Transport: "udp", Version: tp.version,
		Community: tp.community, Context: ctx, Retries: tp.retries, Timeout: tp.timeout,
		MaxOids: 255, MaxRepetitions: uint32(tp.maxReps),
	}
	s := &session{g: g, ctx: ctx, timeout: tp.timeout, maxReps: tp.maxReps, maxOIDs: cfg.MaxOIDsPerWalk}
	if tp.version == gosnmp.Version3 {
		usm := tp.usm()
		s.seeded = engine.seed(g, usm, tp, now)
		g.SecurityModel, g.MsgFlags, g.SecurityParameters = gosnmp.UserSecurityModel, tp.msgFlags, usm
	}
	g.OnSent = func(*gosnmp.GoSNMP) { s.pdus++; mPDUsSent.Inc() }
	g.OnRecv = func(*gosnmp.GoSNMP) { s.recvs++ }
	if err := g.Connect(); err != nil {
		return nil, fmt.Errorf("dial %s: %w", net.JoinHostPort(tp.host, fmt.Sprint(tp.port)), err)
	}
	conn := g.Conn
	s.stopConn = context.AfterFunc(ctx, func() { conn.Close() })
	return s, nil
}

// close releases the socket.
func (s *session) close() {
	s.stopConn()
	s.g.Conn.Close()
}

// prepare cuts the next request's timeout so that all its tries fit in what is
// left of the round; gosnmp itself also stops a try at the ctx deadline.
func (s *session) prepare() error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	t := s.timeout
	if dl, ok := s.ctx.Deadline(); ok {
		if left := time.Until(dl) / time.Duration(s.g.Retries+1); left < t {
			t = max(left, time.Millisecond)
		}
	}
	s.g.Timeout = t
	s.recvsBefore = s.recvs
	return nil
}

// get fetches scalar OIDs; a missing one comes back as NoSuchObject/Instance.
func (s *session) get(oids []string) ([]gosnmp.SnmpPDU, error) {
	if err := s.prepare(); err != nil {
		return nil, err
	}
	pkt, err := s.request(func() (*gosnmp.SnmpPacket, error) { return s.g.Get(oids) })
	if err != nil {
		return nil, s.classify(err)
	}
	if pkt.Error != gosnmp.NoError {
		return nil, fmt.Errorf("agent answered %s", pkt.Error)
	}
	if len(pkt.Variables) != len(oids) {
		return nil, fmt.Errorf("agent answered %d varbinds to a get of %d", len(pkt.Variables), len(oids))
	}
	s.oids += len(pkt.Variables)
	mOIDs.Add(len(pkt.Variables))
	return pkt.Variables, nil
}

// request sends one request. When a session seeded from the engine cache gets
// an answer it cannot use, the cache is what is wrong (another engine at the
// address answers usmStatsUnknownEngineIDs, which gosnmp rightly refuses to
// trust unauthenticated once an engine is known): the request is sent once
// more after a fresh discovery. No answer at all is the network's doing and
// is not retried.
func (s *session) request(send func() (*gosnmp.SnmpPacket, error)) (*gosnmp.SnmpPacket, error) {
	pkt, err := send()
	if err == nil || !s.seeded || !s.answered() || s.ctx.Err() != nil {
		return pkt, err
	}
	s.seeded = false
	mEngineRelearnt.Inc()
	usm := s.g.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	usm.AuthoritativeEngineID, usm.AuthoritativeEngineBoots, usm.AuthoritativeEngineTime = "", 0, 0
	usm.SecretKey, usm.PrivacyKey = nil, nil
	s.g.ContextEngineID = ""
	return send()
}

// Errors a round may end with, for errors.Is and for the own metrics.
var (
	ErrAuth    = errors.New("authentication failed")
	ErrTimeout = errors.New("no answer (timeout)")
	ErrLoop    = errors.New("endless walk")
)

// classify turns gosnmp's errors into ones an operator can act on: the USM
// report PDUs (wrong digest, unknown user, ...) mean wrong credentials, not a
// slow device. It goes by sentinels, net.Error and what the session saw, never
// by the text of an error.
func (s *session) classify(err error) error {
	switch {
	case s.ctx.Err() != nil:
		mTimeouts.Inc()
		return fmt.Errorf("%w: round deadline reached: %w", ErrTimeout, s.ctx.Err())
	case errors.Is(err, gosnmp.ErrWrongDigest), errors.Is(err, gosnmp.ErrUnknownUsername),
		errors.Is(err, gosnmp.ErrDecryption), errors.Is(err, gosnmp.ErrUnknownSecurityLevel),
		errors.Is(err, gosnmp.ErrUnknownEngineID), errors.Is(err, gosnmp.ErrNotInTimeWindow):
		mAuthFailures.Inc()
		return fmt.Errorf("%w: %w (check user, protocols and pass phrases)", ErrAuth, err)
	case s.g.Version == gosnmp.Version3 && s.answered() && isTimeout(err):
		// net-snmp drops a request it cannot decrypt without a report (snmpget
		// times out too), but it did answer the unencrypted engine discovery.
		mAuthFailures.Inc()
		return fmt.Errorf("%w: the agent answered engine discovery, then dropped the encrypted request "+
			"(wrong priv pass phrase or protocol?): %w", ErrAuth, err)
	case s.g.Version == gosnmp.Version3 && s.answered() && !isProtocolError(err):
		// gosnmp checks the agent's unauthenticated usmStatsWrongDigests report
		// against our keys and has no sentinel for the failure: the agent did
		// answer, so the keys differ.
		mAuthFailures.Inc()
		return fmt.Errorf("%w: the agent's answer does not verify with our keys (wrong user, auth pass phrase or protocol?): %w", ErrAuth, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		mTimeouts.Inc()
		return fmt.Errorf("%w: port unreachable, no SNMP agent listening: %w", ErrTimeout, err)
	case isTimeout(err):
		mTimeouts.Inc()
		return fmt.Errorf("%w after %d tries: %w", ErrTimeout, s.g.Retries+1, err)
	}
	return fmt.Errorf("request: %w", err)
}

// protocolErrors are gosnmp's sentinels for an answer it could not use that
// say nothing about our keys: a confused agent, not wrong credentials.
var protocolErrors = []error{gosnmp.ErrInvalidMsgs, gosnmp.ErrUnknownPDUHandlers, gosnmp.ErrUnknownReportPDU,
	gosnmp.ErrUnknownSecurityModels, gosnmp.ErrInvalidPacketLength, gosnmp.ErrZeroByteBuffer,
	gosnmp.ErrInvalidOidLength, gosnmp.ErrIntegerTooLarge, gosnmp.ErrZeroLenInteger}

func isProtocolError(err error) bool {
	return slices.ContainsFunc(protocolErrors, func(p error) bool { return errors.Is(err, p) })
}

// isTimeout: gosnmp wraps ErrMaxRetriesExceeded once every try timed out,
// returns context.DeadlineExceeded at the round's deadline, and passes a
// socket deadline through as a net.Error.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, gosnmp.ErrMaxRetriesExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// answered reports whether the agent sent anything during the current
// request (for v3 this includes the answer to engine discovery).
func (s *session) answered() bool { return s.recvs > s.recvsBefore }
