package rtspsrv

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReadRequest: any bytes give requests, a ParseError, an interleaved
// skip or an I/O error, never a panic, and never more than the limits.
func FuzzReadRequest(f *testing.F) {
	for _, s := range []string{
		"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n",
		"DESCRIBE rtsp://127.0.0.1:554/cam/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n",
		"SETUP rtsp://h/cam/trackID=0 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n",
		"GET_PARAMETER rtsp://h/cam RTSP/1.0\r\nCSeq: 9\r\nSession: 0123\r\nContent-Length: 5\r\n\r\nhello",
		"$\x01\x00\x04abcdOPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n",
		"PLAY rtsp://h/x RTSP/2.0\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bufio.NewReaderSize(bytes.NewReader(b), maxLine)
		for range 64 {
			req, err := readRequest(br)
			var pe *ParseError
			switch {
			case errors.Is(err, errInterleaved):
				continue
			case errors.As(err, &pe):
				if pe.Status < 400 || pe.Status > 599 || pe.Error() == "" {
					t.Fatalf("status %d", pe.Status)
				}
				return
			case err != nil:
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(req.Header) > maxHeaders || len(req.Body) > maxBody || !isToken(req.Method) {
				t.Fatalf("limits broken: %d headers, %d body bytes, method %q", len(req.Header), len(req.Body), req.Method)
			}
			_, _ = parseTransport(req.Header["transport"])
			_ = parseAuthParams(req.Header["authorization"])
		}
	})
}

func FuzzParseAuthParams(f *testing.F) {
	f.Add(`username="admin", realm="IP Camera(E1)", nonce="00ab", uri="rtsp://h/c", response="ff"`)
	f.Add(`username=admin,qop=auth,nc=00000001,cnonce="a\"b"`)
	f.Add(`a="unterminated`)
	f.Fuzz(func(t *testing.T, s string) {
		if m := parseAuthParams(s); len(m) > 16 {
			t.Fatalf("%d params", len(m))
		}
	})
}

func FuzzParseTransport(f *testing.F) {
	f.Add("RTP/AVP/TCP;unicast;interleaved=0-1")
	f.Add("RTP/AVP;unicast;client_port=1-2,RTP/AVP/TCP;interleaved=4-5")
	f.Add("RTP/AVP/TCP;multicast")
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := parseTransport(s)
		if err == nil && (tr.channel < 0 || tr.channel > 254) {
			t.Fatalf("channel %d", tr.channel)
		}
	})
}
