package testpeer

import (
	"bufio"
	_ "embed"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rtspsimScript serves the test cameras on GStreamer's gst-rtsp-server (see its header for the mounts).
//
//go:embed testdata/rtspsim.py
var rtspsimScript []byte

// RTSP credentials of the test cameras' /auth mount (test-only values, never real ones).
const (
	RTSPUser     = "admin"
	RTSPPassword = "Sw4n-lake!pw"
)

// RTSPMounts are the paths the RTSP peer serves (rtspsim.py's header says what each shows).
var RTSPMounts = []string{"/cam1", "/cam2", "/cam3", "/quick", "/black", "/frozen", "/stall", "/auth",
	"/scene", "/moved", "/blur", "/cast", "/occluded"}

// rtspHint is how to install what the RTSP peer needs.
const rtspHint = "apt-get install python3-gi gir1.2-gst-rtsp-server-1.0 gir1.2-gst-plugins-base-1.0 " +
	"gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly " +
	"gstreamer1.0-tools (scripts/install-peers.sh)"

// RTSPPeer is a running GStreamer RTSP server with the test cameras: Digest asks for digest
// authentication on /auth, Basic for basic; every other mount is open on both.
type RTSPPeer struct {
	*Peer
	Digest, Basic int // the two servers' ports on 127.0.0.1
}

// RTSPOptions tunes the peer; the zero value is 640x360 with /stall pausing 1.5 s after every second.
type RTSPOptions struct {
	Size       string        // WxH, default 640x360
	StallAfter time.Duration // /stall sends this long, default 1 s ...
	StallFor   time.Duration // ... then pauses this long, default 1.5 s
}

// URL is rtsp://127.0.0.1:Digest/mount.
func (p *RTSPPeer) URL(mount string) string {
	return "rtsp://" + Addr(p.Digest) + "/" + strings.TrimPrefix(mount, "/")
}

// BasicURL is the same mount on the basic-auth server.
func (p *RTSPPeer) BasicURL(mount string) string {
	return "rtsp://" + Addr(p.Basic) + "/" + strings.TrimPrefix(mount, "/")
}

// RTSP starts the RTSP peer and waits until /cam1 answers DESCRIBE with its SPS and PPS. A machine
// without the GStreamer packages fails the test with the install hint.
func RTSP(t testing.TB, o RTSPOptions) *RTSPPeer {
	t.Helper()
	python := LookBinary(t, "/usr/bin/python3", rtspHint)
	checkGStreamer(t, python)
	if o.Size == "" {
		o.Size = "640x360"
	}
	if o.StallAfter == 0 {
		o.StallAfter = time.Second
	}
	if o.StallFor == 0 {
		o.StallFor = 1500 * time.Millisecond
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "rtspsim.py")
	if err := os.WriteFile(script, rtspsimScript, 0o600); err != nil {
		t.Fatalf("write rtspsim.py: %v", err)
	}
	p := &RTSPPeer{Peer: Start(t, Spec{Name: "rtspsim", Binary: python, Hint: rtspHint,
		Args: []string{"-u", script, RTSPUser, RTSPPassword, o.Size,
			strconv.FormatInt(o.StallAfter.Milliseconds(), 10), strconv.FormatInt(o.StallFor.Milliseconds(), 10)}})}
	p.waitPorts(t)
	p.waitDescribe(t, p.URL("/cam1"))
	return p
}

// checkGStreamer fails the test when gi or a GStreamer element the mounts use is missing: the
// script would otherwise die at the first DESCRIBE with a message only its log shows.
func checkGStreamer(t testing.TB, python string) {
	t.Helper()
	probe := `import gi
gi.require_version("Gst", "1.0"); gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst
Gst.init(None)
missing = [e for e in ("videotestsrc", "x264enc", "rtph264pay", "compositor", "gaussianblur", "videocrop",
                       "videoscale", "valve", "videoconvert") if Gst.ElementFactory.find(e) is None]
print(" ".join(missing))`
	out, err := exec.Command(python, "-c", probe).CombinedOutput()
	if err != nil {
		t.Fatalf("RTSP peer: python3-gi with GstRtspServer is not usable (%v: %s): %s", err,
			strings.TrimSpace(string(out)), rtspHint)
	}
	if m := strings.TrimSpace(string(out)); m != "" {
		t.Fatalf("RTSP peer: GStreamer elements missing: %s: %s", m, rtspHint)
	}
}

var readyLine = regexp.MustCompile(`READY digest=(\d+) basic=(\d+)`)

// waitPorts reads the two ports the kernel gave the servers from the peer's log.
func (p *RTSPPeer) waitPorts(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(p.Log)
		if m := readyLine.FindSubmatch(b); m != nil {
			p.Digest, _ = strconv.Atoi(string(m[1]))
			p.Basic, _ = strconv.Atoi(string(m[2]))
			p.Port = p.Digest
			return
		}
		select {
		case <-p.exited:
			t.Fatalf("RTSP peer exited during start-up:\n%s", p.Tail())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("RTSP peer not ready after 20s:\n%s", p.Tail())
}

// waitDescribe asks url for its SDP until it carries sprop-parameter-sets: the pipeline runs.
// The probe's connection stays open until the test ends: gst-rtsp-server takes a shared pipeline
// down when its last client leaves and answers 503 meanwhile, which no camera does.
func (p *RTSPPeer) waitDescribe(t testing.TB, url string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		var c net.Conn
		if c, last = describe(url); last == nil {
			t.Cleanup(func() { c.Close() })
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("RTSP peer: DESCRIBE %s failed: %v\n%s", url, last, p.Tail())
}

// describe sends DESCRIBE on a new connection and returns it open once the SDP came.
func describe(url string) (c net.Conn, err error) {
	host := strings.SplitN(strings.TrimPrefix(url, "rtsp://"), "/", 2)[0]
	c, err = net.DialTimeout("tcp", host, 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(c, "DESCRIBE %s RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n", url); err != nil {
		return nil, err
	}
	r := bufio.NewReader(c)
	var seen strings.Builder
	for seen.Len() < 16<<10 {
		line, err := r.ReadString('\n')
		seen.WriteString(line)
		if strings.Contains(line, "sprop-parameter-sets") {
			_ = c.SetDeadline(time.Time{})
			return c, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w after %q", err, seen.String())
		}
	}
	return nil, fmt.Errorf("no sprop-parameter-sets in %q", seen.String())
}
