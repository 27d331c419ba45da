package devicefake

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"

	"github.com/emiago/sipgo/sip"
)

// SIPTerminal is an IP broadcast terminal as a SIP user agent on UDP: it
// answers OPTIONS (RFC 3261 11) with the status set (200 by default; a 486
// or 405 is a live UA too), or stays silent. The answer copies Via, From,
// To (with a tag), Call-ID and CSeq, as sipgo builds it from the request.
type SIPTerminal struct {
	conn net.PacketConn

	mu     sync.Mutex
	status int
	silent bool

	requests atomic.Int64
	done     chan struct{}
}

// NewSIPTerminal listens on addr (udp, "127.0.0.1:0").
func NewSIPTerminal(addr string) (*SIPTerminal, error) {
	conn, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	s := &SIPTerminal{conn: conn, status: 200, done: make(chan struct{})}
	go s.serve()
	return s, nil
}

// Addr is host:port of the terminal.
func (s *SIPTerminal) Addr() string { return s.conn.LocalAddr().String() }

// Close stops the terminal.
func (s *SIPTerminal) Close() error {
	err := s.conn.Close()
	<-s.done
	return err
}

// SetStatus sets the answer's status code.
func (s *SIPTerminal) SetStatus(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = code
}

// SetSilent makes the terminal drop every request (a dead amplifier).
func (s *SIPTerminal) SetSilent(silent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silent = silent
}

// Requests is how many datagrams the terminal received.
func (s *SIPTerminal) Requests() int64 { return s.requests.Load() }

func (s *SIPTerminal) serve() {
	defer close(s.done)
	buf := make([]byte, 65535)
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		s.requests.Add(1)
		s.mu.Lock()
		status, silent := s.status, s.silent
		s.mu.Unlock()
		msg, err := sip.ParseMessage(buf[:n])
		req, ok := msg.(*sip.Request)
		if err != nil || !ok || silent {
			continue
		}
		res := sip.NewResponseFromRequest(req, status, reason(status), nil)
		_, _ = s.conn.WriteTo([]byte(res.String()), from)
	}
}

func reason(code int) string {
	switch code {
	case 200:
		return "OK"
	case 405:
		return "Method Not Allowed"
	case 486:
		return "Busy Here"
	case 503:
		return "Service Unavailable"
	}
	return "Status"
}

// TCPService is a device that only listens on a TCP port (a PA amplifier's
// control port): it accepts and closes. SetDown closes the port, so a
// connect is refused; SetDown(false) listens again on the same port.
type TCPService struct {
	addr string

	mu       sync.Mutex
	ln       net.Listener
	accepted atomic.Int64
	wg       sync.WaitGroup
}

// NewTCPService listens on addr ("127.0.0.1:0").
func NewTCPService(addr string) (*TCPService, error) {
	s := &TCPService{}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	return s, nil
}

func (s *TCPService) serve(ln net.Listener) {
	s.ln = ln
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			c.Close()
		}
	}()
}

// Addr is host:port of the service.
func (s *TCPService) Addr() string { return s.addr }

// Accepted is how many connections the service accepted.
func (s *TCPService) Accepted() int64 { return s.accepted.Load() }

// SetDown closes (true) or reopens (false) the port.
func (s *TCPService) SetDown(down bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if down && s.ln != nil {
		err := s.ln.Close()
		s.wg.Wait()
		s.ln = nil
		return err
	}
	if !down && s.ln == nil {
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			return err
		}
		s.serve(ln)
	}
	return nil
}

// Close stops the service.
func (s *TCPService) Close() error { return s.SetDown(true) }
