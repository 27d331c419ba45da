package rtspsrv

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clipDir holds the park's committed clips (internal/sim/testdata/swanlake).
const clipDir = "../testdata/swanlake"

func loadClip(t testing.TB, name string) *Clip {
	t.Helper()
	c, err := LoadClip(filepath.Join(clipDir, name+".h264"), 25)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startServer runs a server with the given paths until the test ends.
func startServer(t testing.TB, o Options, paths ...PathConfig) *Server {
	t.Helper()
	s := New(o)
	for _, p := range paths {
		if err := s.AddPath(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return s
}

// rawClient speaks RTSP by hand, for answers the real clients hide.
type rawClient struct {
	t    testing.TB
	nc   net.Conn
	br   *bufio.Reader
	seq  int
	base string
}

func dialRaw(t testing.TB, s *Server, path string) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawClient{t: t, nc: nc, br: bufio.NewReader(nc), base: s.URL(path)}
}

// rawResp is a parsed answer.
type rawResp struct {
	status int
	header map[string]string // lower-case names
	body   string
}

// do sends method with extra header lines (uri "" = the path's URL) and reads
// the answer, skipping interleaved packets.
func (c *rawClient) do(method, uri string, headers ...string) rawResp {
	c.t.Helper()
	if uri == "" {
		uri = c.base
	}
	c.seq++
	msg := fmt.Sprintf("%s %s RTSP/1.0\r\nCSeq: %d\r\n%s\r\n", method, uri, c.seq, joinHeaders(headers))
	if _, err := c.nc.Write([]byte(msg)); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	return c.read()
}

func joinHeaders(h []string) string {
	var b strings.Builder
	for _, l := range h {
		b.WriteString(l + "\r\n")
	}
	return b.String()
}

func (c *rawClient) read() rawResp {
	c.t.Helper()
	for {
		b, err := c.br.Peek(1)
		if err != nil {
			c.t.Fatalf("read answer: %v", err)
		}
		if b[0] != '$' {
			break
		}
		if _, _, err := c.packet(); err != nil {
			c.t.Fatal(err)
		}
	}
	line, err := c.br.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read status line: %v", err)
	}
	f := strings.Fields(line)
	if len(f) < 2 || f[0] != "RTSP/1.0" {
		c.t.Fatalf("bad status line %q", line)
	}
	r := rawResp{header: map[string]string{}}
	r.status, _ = strconv.Atoi(f[1])
	for {
		l, err := c.br.ReadString('\n')
		if err != nil {
			c.t.Fatalf("read header: %v", err)
		}
		l = strings.TrimRight(l, "\r\n")
		if l == "" {
			break
		}
		k, v, _ := strings.Cut(l, ":")
		r.header[strings.ToLower(k)] = strings.TrimSpace(v)
	}
	if n, _ := strconv.Atoi(r.header["content-length"]); n > 0 {
		b := make([]byte, n)
		if _, err := io.ReadFull(c.br, b); err != nil {
			c.t.Fatal(err)
		}
		r.body = string(b)
	}
	return r
}

// packet reads one interleaved packet: its channel and payload.
func (c *rawClient) packet() (int, []byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(c.br, h[:]); err != nil {
		return 0, nil, err
	}
	if h[0] != '$' {
		return 0, nil, fmt.Errorf("expected an interleaved packet, got %q", h[:])
	}
	b := make([]byte, int(h[2])<<8|int(h[3]))
	_, err := io.ReadFull(c.br, b)
	return int(h[1]), b, err
}

// play runs DESCRIBE, SETUP and PLAY and returns the session id.
func (c *rawClient) play(auth ...string) string {
	c.t.Helper()
	if r := c.do("DESCRIBE", "", auth...); r.status != 200 {
		c.t.Fatalf("DESCRIBE: %d", r.status)
	}
	r := c.do("SETUP", c.base+"/"+trackControl, append(auth, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1")...)
	if r.status != 200 {
		c.t.Fatalf("SETUP: %d", r.status)
	}
	id, _, _ := strings.Cut(r.header["session"], ";")
	if r := c.do("PLAY", c.base+"/", append(auth, "Session: "+id)...); r.status != 200 {
		c.t.Fatalf("PLAY: %d", r.status)
	}
	return id
}
