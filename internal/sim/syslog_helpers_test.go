package sim

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/syslog/logparse"
)

// gotFrame is one frame the stand-in receiver read.
type gotFrame struct {
	src string // the sender's IP
	at  time.Time
	raw string
	tcp bool
}

// logSink stands in for the receiver: a UDP socket and a TCP listener
// reading octet-counted frames (RFC 6587 §3.4.1), on 127.0.0.1.
type logSink struct {
	udp    net.PacketConn
	tcp    net.Listener
	mu     sync.Mutex
	frames []gotFrame
	conns  []net.Conn
	bad    []string // framing errors
	wg     sync.WaitGroup
	once   sync.Once
}

func startLogSink(t *testing.T) *logSink {
	t.Helper()
	u, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &logSink{udp: u, tcp: l}
	s.wg.Go(s.readUDP)
	s.wg.Go(s.accept)
	t.Cleanup(s.close)
	return s
}

func (s *logSink) close() {
	s.once.Do(func() {
		_ = s.udp.Close()
		_ = s.tcp.Close()
		s.mu.Lock()
		for _, c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
}

func (s *logSink) add(f gotFrame) {
	s.mu.Lock()
	s.frames = append(s.frames, f)
	s.mu.Unlock()
}

func (s *logSink) readUDP() {
	buf := make([]byte, 65536)
	for {
		n, from, err := s.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		s.add(gotFrame{src: from.(*net.UDPAddr).IP.String(), at: time.Now(), raw: string(buf[:n])})
	}
}

func (s *logSink) accept() {
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Go(func() { s.readTCP(c) })
	}
}

// readTCP reads "LEN SP FRAME" until the peer goes; a count that does not
// parse is a framing error.
func (s *logSink) readTCP(c net.Conn) {
	src := c.RemoteAddr().(*net.TCPAddr).IP.String()
	r := bufio.NewReader(c)
	for {
		count, err := r.ReadString(' ')
		if err != nil {
			return
		}
		n, err := strconv.Atoi(strings.TrimSuffix(count, " "))
		if err != nil || n < 1 || n > 65536 {
			s.mu.Lock()
			s.bad = append(s.bad, count)
			s.mu.Unlock()
			return
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return
		}
		s.add(gotFrame{src: src, at: time.Now(), raw: string(buf), tcp: true})
	}
}

func (s *logSink) snapshot() []gotFrame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]gotFrame(nil), s.frames...)
}

// from are the frames sent from ip.
func (s *logSink) from(ip string) []gotFrame {
	var out []gotFrame
	for _, f := range s.snapshot() {
		if f.src == ip {
			out = append(out, f)
		}
	}
	return out
}

// waitFrom waits until ok holds for the frames from ip.
func (s *logSink) waitFrom(t *testing.T, ip string, timeout time.Duration, ok func([]gotFrame) bool) []gotFrame {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		fs := s.from(ip)
		if ok(fs) {
			return fs
		}
		if time.Now().After(deadline) {
			t.Fatalf("frames from %s: condition not met within %s (have %d)", ip, timeout, len(fs))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// frameView is a frame as the receiver reads it: go-syslog must accept it as
// RFC 5424 or RFC 3164; app and text are split as collectors/syslog does
// (a "%%01MODULE/…" tag names the app by its module and stays in the text).
type frameView struct {
	host, app, text string
	facility, sev   int
	rfc5424         bool
}

var errNotSyslog = errors.New("not a syslog frame")

func parseFrame(raw string) (frameView, error) {
	if i := strings.IndexByte(raw, '>'); i > 0 && strings.HasPrefix(raw[i+1:], "1 ") {
		m, err := rfc5424.NewParser().Parse([]byte(raw))
		if err != nil {
			return frameView{}, err
		}
		sm := m.(*rfc5424.SyslogMessage)
		if sm.Hostname == nil || sm.Appname == nil || sm.Message == nil || sm.Timestamp == nil {
			return frameView{}, errNotSyslog
		}
		return frameView{host: *sm.Hostname, app: *sm.Appname, text: *sm.Message, facility: int(*sm.Facility),
			sev: int(*sm.Severity), rfc5424: true}, nil
	}
	m, err := rfc3164.NewParser().Parse([]byte(raw))
	if err != nil {
		return frameView{}, err
	}
	sm := m.(*rfc3164.SyslogMessage)
	if sm.Hostname == nil || sm.Timestamp == nil || sm.Priority == nil {
		return frameView{}, errNotSyslog
	}
	// "<PRI>Mmm dd hh:mm:ss HOST MSG": the message after the host
	rest := raw[strings.IndexByte(raw, '>')+1+len(time.Stamp)+1:]
	host, msg, _ := strings.Cut(rest, " ")
	if host != *sm.Hostname {
		return frameView{}, errNotSyslog
	}
	v := frameView{host: host, text: msg, facility: int(*sm.Facility), sev: int(*sm.Severity)}
	switch {
	case strings.HasPrefix(msg, "%%"):
		v.app = msg[:strings.IndexByte(msg, '/')]
	case strings.Contains(msg, ": "):
		tag, text, _ := strings.Cut(msg, ": ")
		if !strings.ContainsAny(tag, " ") {
			v.app, v.text = tag, text
			if i := strings.IndexByte(tag, '['); i > 0 {
				v.app = tag[:i]
			}
		}
	}
	return v, nil
}

// classify parses v as the receiver's classifier does.
func classify(v frameView) (logparse.Record, bool) {
	return logparse.Default().Parse(logparse.Message{Hostname: v.host, App: v.app, Text: v.text,
		Facility: v.facility, Severity: v.sev})
}

// checkLine frames l as d sends it and checks that it parses and is
// classified as intended; it returns the record.
func checkLine(t *testing.T, d *logDevice, l logLine) logparse.Record {
	t.Helper()
	raw := l.frame3164(d.hostname)
	if d.rfc5424 {
		raw = l.frame5424(d.hostname)
	}
	v, err := parseFrame(raw)
	require.NoError(t, err, raw)
	require.Equal(t, d.rfc5424, v.rfc5424, raw)
	r, ok := classify(v)
	require.True(t, ok, "no profile recognises %s's line %q", d.name, raw)
	require.Equal(t, l.want, r.Class, "%s: %q → %+v", d.name, raw, r)
	return r
}
