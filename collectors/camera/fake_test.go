package camera

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/icholy/digest"
	"github.com/stretchr/testify/require"
)

// Fakes on 127.0.0.1:0 for what the GStreamer peer cannot be: a port that accepts and stays
// silent, an RTSP server that only ever answers 401, something that answers in another protocol,
// and a Hikvision ISAPI snapshot endpoint behind digest authentication.

// listen returns a loopback listener closed at the end of the test.
func listen(t testing.TB) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l
}

// serveConns runs handle for every connection until the listener closes; connections still open
// are closed when the test ends.
func serveConns(t testing.TB, l net.Listener, handle func(net.Conn)) {
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open[c] = true
			mu.Unlock()
			wg.Go(func() {
				handle(c)
				mu.Lock()
				delete(open, c)
				mu.Unlock()
			})
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for c := range open {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
}

// silentRTSP accepts connections and never answers (it reads until the client leaves).
func silentRTSP(t testing.TB) string {
	l := listen(t)
	serveConns(t, l, func(c net.Conn) {
		defer c.Close()
		_, _ = io.Copy(io.Discard, c)
	})
	return "rtsp://" + l.Addr().String() + "/silent"
}

// closedRTSP is an address where nothing listens.
func closedRTSP(t testing.TB) string {
	// A port bound but not listening refuses every connection, and stays
	// ours until the test ends: a port merely closed again may be taken by
	// another package's listener meanwhile (it was, once in CI: 3 of 1,000
	// "refused" sessions met a peer that closed the connection).
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Close(fd) })
	require.NoError(t, syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}))
	sa, err := syscall.Getsockname(fd)
	require.NoError(t, err)
	return fmt.Sprintf("rtsp://127.0.0.1:%d/cam", sa.(*syscall.SockaddrInet4).Port)
}

// unauthorizedRTSP answers every RTSP request with 401 and a digest challenge, as a camera does
// for a wrong password.
func unauthorizedRTSP(t testing.TB) string {
	l := listen(t)
	serveConns(t, l, func(c net.Conn) {
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			req, err := readRequest(r)
			if err != nil {
				return
			}
			fmt.Fprintf(c, "RTSP/1.0 401 Unauthorized\r\nCSeq: %s\r\nWWW-Authenticate: Digest realm=\"IP Camera(C1234)\", nonce=\"4e5f6a\", stale=\"FALSE\"\r\n\r\n",
				req.hdr.get("CSeq"))
		}
	})
	return "rtsp://" + l.Addr().String() + "/Streaming/Channels/101"
}

// garbageRTSP answers like a web server on the RTSP port.
func garbageRTSP(t testing.TB) string {
	l := listen(t)
	serveConns(t, l, func(c net.Conn) {
		defer c.Close()
		_, _ = readLine(bufio.NewReader(c))
		_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
	})
	return "rtsp://" + l.Addr().String() + "/cam"
}

// isapiSnapshot is a Hikvision ISAPI picture endpoint (GET /ISAPI/Streaming/channels/101/picture)
// behind digest authentication (realm and qop as the cameras send them), serving img as JPEG.
type isapiSnapshot struct {
	*httptest.Server
	user, pass string
	img        atomic.Pointer[image.Image]
	hits       atomic.Int64
}

func newISAPISnapshot(t testing.TB, user, pass string, img image.Image) *isapiSnapshot {
	s := &isapiSnapshot{user: user, pass: pass}
	s.img.Store(&img)
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *isapiSnapshot) URL() string { return s.Server.URL + "/ISAPI/Streaming/channels/101/picture" }

func (s *isapiSnapshot) serve(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	if r.URL.Path != "/ISAPI/Streaming/channels/101/picture" {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><requestURL>`+r.URL.Path+`</requestURL><statusCode>4</statusCode><statusString>Invalid Operation</statusString><subStatusCode>notSupport</subStatusCode></ResponseStatus>`)
		return
	}
	chal := &digest.Challenge{Realm: "IP Camera(C1234)", Nonce: "6f3a2b1c9d8e7f60", QOP: []string{"auth"}, Algorithm: "MD5"}
	if !s.authorized(r, chal) {
		w.Header().Set("WWW-Authenticate", chal.String())
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, *s.img.Load(), &jpeg.Options{Quality: 90})
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write(b.Bytes())
}

func (s *isapiSnapshot) authorized(r *http.Request, chal *digest.Challenge) bool {
	cred, err := digest.ParseCredentials(r.Header.Get("Authorization"))
	if err != nil || cred.Username != s.user {
		return false
	}
	want, err := digest.Digest(chal, digest.Options{Method: r.Method, URI: cred.URI, Count: cred.Nc,
		Cnonce: cred.Cnonce, Username: s.user, Password: s.pass})
	return err == nil && cred.URI == r.URL.RequestURI() &&
		subtle.ConstantTimeCompare([]byte(want.Response), []byte(cred.Response)) == 1
}

// parkView is a picture with structure and colour (a park view stand-in): sky, lake, bank, trees.
func parkView(w, h int, shift int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			xs := x + shift
			var c color.RGBA
			switch {
			case y < h/3:
				c = color.RGBA{uint8(120 + y%40), uint8(170 + y%30), 230, 255}
			case y < h*2/3:
				c = color.RGBA{40, uint8(90 + (xs*3+y)%50), uint8(140 + (xs+y*2)%60), 255}
			default:
				c = color.RGBA{uint8(60 + (xs*7)%80), uint8(120 + (y*5)%70), 50, 255}
			}
			if (xs/40+y/40)%5 == 0 && y > h/2 {
				c = color.RGBA{200, 60, 50, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func blackImage(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	return img
}

var _ = strings.TrimSpace

// hangupRTSP completes the handshake like a camera, sends a few P-frames and closes the stream.
func hangupRTSP(t testing.TB) string {
	l := listen(t)
	serveConns(t, l, func(c net.Conn) {
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			req, err := readRequest(r)
			if err != nil {
				return
			}
			extra, body := "", ""
			switch req.method {
			case "DESCRIBE":
				body = sdpFor(false)
				extra = fmt.Sprintf("Content-Length: %d\r\n", len(body))
			case "SETUP":
				extra = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 77\r\n"
			}
			fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\n%s\r\n%s", req.hdr.get("CSeq"), extra, body)
			if req.method == "PLAY" {
				for i := range 5 {
					_, _ = c.Write(rtpFrame(0x80, uint16(i), uint32(3600*i), []byte{0x41, 0x9a, 1, 2, 3}))
					time.Sleep(40 * time.Millisecond)
				}
				return
			}
		}
	})
	return "rtsp://" + l.Addr().String() + "/cam"
}
