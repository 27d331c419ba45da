package rtspsrv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// Limits of what one request may be. Real clients send a few hundred bytes;
// anything beyond these is an error, answered and counted, never buffered.
const (
	maxLine    = 2048 // request line or header line, CRLF included
	maxHeaders = 32
	maxBody    = 4096 // RTSP requests of a player carry no body; GET_PARAMETER may
	maxFrame   = 65535
)

// Request is one parsed RTSP request. Header names are lower-cased; a repeated
// header keeps its first value.
type Request struct {
	Method string
	URI    string // as sent: an absolute rtsp:// URL, or * for OPTIONS
	Path   string // the URL's path without the leading /, "" for *
	Header map[string]string
	Body   []byte
}

// ParseError is a request that cannot be answered normally: Status is the
// code to answer with before closing the connection (the stream cannot be
// resynchronised after a malformed message).
type ParseError struct {
	Status int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, statusText(e.Status), e.Msg)
}

func badRequest(format string, a ...any) error {
	return &ParseError{Status: 400, Msg: fmt.Sprintf(format, a...)}
}

// errInterleaved marks a $-framed binary packet (RTCP receiver reports that
// ffmpeg sends over the connection); it is read and discarded.
var errInterleaved = errors.New("interleaved binary data")

// readRequest reads one request, or skips one interleaved packet and returns
// errInterleaved. br must be a reader of at least maxLine bytes.
func readRequest(br *bufio.Reader) (*Request, error) {
	b, err := br.Peek(1)
	if err != nil {
		return nil, err
	}
	if b[0] == '$' {
		return nil, skipInterleaved(br)
	}
	line, err := readLine(br)
	if err != nil {
		return nil, err
	}
	req, err := parseRequestLine(line)
	if err != nil {
		return nil, err
	}
	if err := readHeaders(br, req); err != nil {
		return nil, err
	}
	return req, readBody(br, req)
}

func skipInterleaved(br *bufio.Reader) error {
	var h [4]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return err
	}
	n := int(h[2])<<8 | int(h[3])
	if _, err := br.Discard(n); err != nil {
		return err
	}
	return errInterleaved
}

// readLine reads one CRLF- (or LF-) terminated line without its terminator.
func readLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(line) > maxLine:
		return "", badRequest("a line is longer than %d bytes", maxLine)
	case err != nil:
		if errors.Is(err, io.EOF) && len(line) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
	return string(bytes.TrimRight(line, "\r\n")), nil
}

func parseRequestLine(line string) (*Request, error) {
	method, rest, ok1 := strings.Cut(line, " ")
	uri, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !isToken(method) || uri == "" {
		return nil, badRequest("malformed request line %q", clip(line, 80))
	}
	if proto != "RTSP/1.0" {
		return nil, &ParseError{Status: 505, Msg: fmt.Sprintf("protocol %q; this server speaks RTSP/1.0", clip(proto, 20))}
	}
	req := &Request{Method: method, URI: uri, Header: map[string]string{}}
	if uri == "*" {
		return req, nil
	}
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "rtsp" && u.Scheme != "rtsps") || u.Host == "" {
		return nil, badRequest("request URI %q is not an rtsp:// URL", clip(uri, 80))
	}
	req.Path = strings.TrimPrefix(u.Path, "/")
	return req, nil
}

func readHeaders(br *bufio.Reader, req *Request) error {
	for n := 0; ; n++ {
		line, err := readLine(br)
		if err != nil {
			return err
		}
		if line == "" {
			return nil
		}
		if n == maxHeaders {
			return badRequest("more than %d header lines", maxHeaders)
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || !isToken(k) {
			return badRequest("malformed header line %q", clip(line, 80))
		}
		k = strings.ToLower(k)
		if _, dup := req.Header[k]; !dup {
			req.Header[k] = strings.TrimSpace(v)
		}
	}
}

func readBody(br *bufio.Reader, req *Request) error {
	cl, ok := req.Header["content-length"]
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(cl)
	if err != nil || n < 0 {
		return badRequest("bad Content-Length %q", clip(cl, 20))
	}
	if n > maxBody {
		return &ParseError{Status: 413, Msg: fmt.Sprintf("a body of %d bytes is more than %d", n, maxBody)}
	}
	req.Body = make([]byte, n)
	if _, err := io.ReadFull(br, req.Body); err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	return nil
}

// isToken reports whether s is an RFC 2616 token (method and header names).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// cseq returns the request's CSeq, which every RTSP request must carry.
func (r *Request) cseq() (string, bool) {
	v, ok := r.Header["cseq"]
	if !ok {
		return "", false
	}
	if _, err := strconv.ParseUint(v, 10, 32); err != nil {
		return "", false
	}
	return v, true
}

// transport is what a SETUP's Transport header asks for.
type transport struct {
	channel int // RTP interleave channel; RTCP is channel+1
}

var errNoTCP = errors.New("only RTP/AVP/TCP unicast interleaved is served")

// parseTransport picks the first TCP interleaved spec of a Transport header
// (specs are comma-separated in order of preference, RFC 2326 §12.39).
func parseTransport(h string) (transport, error) {
	for spec := range strings.SplitSeq(h, ",") {
		parts := strings.Split(strings.TrimSpace(spec), ";")
		if !strings.EqualFold(parts[0], "RTP/AVP/TCP") {
			continue
		}
		t, ok := transport{channel: 0}, true
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			switch strings.ToLower(k) {
			case "multicast":
				ok = false
			case "interleaved":
				t.channel, ok = parseChannels(v)
			}
		}
		if ok {
			return t, nil
		}
	}
	return transport{}, errNoTCP
}

// parseChannels reads "a-b" (b = a+1) or "a".
func parseChannels(v string) (int, bool) {
	a, b, pair := strings.Cut(v, "-")
	x, err := strconv.Atoi(a)
	if err != nil || x < 0 || x > 254 {
		return 0, false
	}
	if pair {
		y, err := strconv.Atoi(b)
		if err != nil || y != x+1 {
			return 0, false
		}
	}
	return x, true
}
