package camera

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Bounds of one RTSP message: a camera (or anything listening on its port) that sends more is
// answering something other than RTSP, and reading on would only cost memory.
const (
	maxLine    = 4 << 10
	maxHeaders = 64
	maxBody    = 64 << 10 // an SDP of a camera is a few hundred bytes
)

var errNotRTSP = errors.New("not an RTSP message")

// header is one RTSP header as received (name case kept; lookups ignore case).
type header struct{ name, value string }

type headers []header

func (h headers) get(name string) string {
	for _, x := range h {
		if strings.EqualFold(x.name, name) {
			return x.value
		}
	}
	return ""
}

func (h headers) all(name string) []string {
	var out []string
	for _, x := range h {
		if strings.EqualFold(x.name, name) {
			out = append(out, x.value)
		}
	}
	return out
}

// request is one RTSP request as vdk writes it to the guard (vdk's requests have no body).
type request struct {
	method, uri string
	hdr         headers
}

// response is one RTSP response of a camera.
type response struct {
	status int
	reason string
	hdr    headers
	body   []byte
}

// readLine reads one CRLF- or LF-terminated line of at most maxLine bytes.
func readLine(r *bufio.Reader) (string, error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxLine {
			return "", fmt.Errorf("%w: line longer than %d bytes", errNotRTSP, maxLine)
		}
		if err == nil {
			return strings.TrimRight(string(buf), "\r\n"), nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) && len(buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
	}
}

// readHeaders reads header lines up to the empty line.
func readHeaders(r *bufio.Reader) (headers, error) {
	var h headers
	for {
		line, err := readLine(r)
		if err != nil {
			return nil, err
		}
		if line == "" {
			return h, nil
		}
		if len(h) == maxHeaders {
			return nil, fmt.Errorf("%w: more than %d headers", errNotRTSP, maxHeaders)
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("%w: header line without a name", errNotRTSP)
		}
		h = append(h, header{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
}

// readRequest reads one request from vdk.
func readRequest(r *bufio.Reader) (*request, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	f := strings.Fields(line)
	if len(f) != 3 || f[2] != "RTSP/1.0" {
		return nil, fmt.Errorf("%w: request line %q", errNotRTSP, clip(line))
	}
	h, err := readHeaders(r)
	if err != nil {
		return nil, err
	}
	return &request{method: f[0], uri: f[1], hdr: h}, nil
}

// readResponse reads one response: status line, headers and a body of Content-Length bytes.
func readResponse(r *bufio.Reader) (*response, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	status, reason, err := parseStatusLine(line)
	if err != nil {
		return nil, err
	}
	h, err := readHeaders(r)
	if err != nil {
		return nil, err
	}
	resp := &response{status: status, reason: reason, hdr: h}
	if cl := h.get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(cl)
		if err != nil || n < 0 || n > maxBody {
			return nil, fmt.Errorf("%w: Content-Length %q", errNotRTSP, clip(cl))
		}
		resp.body = make([]byte, n)
		if _, err := io.ReadFull(r, resp.body); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// parseStatusLine parses "RTSP/1.0 200 OK" (RTSP/2.0 is refused: vdk speaks 1.0).
func parseStatusLine(line string) (int, string, error) {
	proto, rest, _ := strings.Cut(line, " ")
	if proto != "RTSP/1.0" {
		return 0, "", fmt.Errorf("%w: status line %q", errNotRTSP, clip(line))
	}
	code, reason, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 100 || n > 599 {
		return 0, "", fmt.Errorf("%w: status line %q", errNotRTSP, clip(line))
	}
	return n, strings.TrimSpace(reason), nil
}

// write serializes the request for the camera with cseq and extra headers (auth) in place of the
// client's CSeq and Authorization.
func (q *request) write(w io.Writer, uri string, cseq int, extra ...header) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s RTSP/1.0\r\nCSeq: %d\r\n", q.method, uri, cseq)
	for _, h := range q.hdr {
		if strings.EqualFold(h.name, "CSeq") || strings.EqualFold(h.name, "Authorization") {
			continue
		}
		fmt.Fprintf(&b, "%s: %s\r\n", h.name, h.value)
	}
	for _, h := range extra {
		fmt.Fprintf(&b, "%s: %s\r\n", h.name, h.value)
	}
	b.WriteString("\r\n")
	_, err := w.Write(b.Bytes())
	return err
}

// forVDK is the headers vdk reads, each once and spelled as vdk looks them up (it matches names
// case-sensitively); everything else a camera sends is left out.
var forVDK = []string{"Session", "Content-Base", "Transport", "RTP-Info", "Public", "Content-Type"}

// writeForVDK writes a canonical 200 answer for vdk: status, the client's CSeq, the headers vdk
// reads and the body. Anything else (a 401 challenge, odd spellings) never reaches vdk.
func writeForVDK(w io.Writer, cseq string, h headers, body []byte) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "RTSP/1.0 200 OK\r\nCSeq: %s\r\n", cseq)
	for _, name := range forVDK {
		// vdk takes any line holding "RTSP/1.0" for a status line: such a value never reaches it
		if v := h.get(name); v != "" && !strings.Contains(v, "RTSP/") {
			fmt.Fprintf(&b, "%s: %s\r\n", name, v)
		}
	}
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	_, err := w.Write(b.Bytes())
	return err
}

func clip(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strconv.Quote(s)
}
