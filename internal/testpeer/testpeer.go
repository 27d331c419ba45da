// Package testpeer starts real third-party peers (node_exporter, VictoriaMetrics,
// VictoriaLogs, ...) on loopback for tests. It is the project's own copy of the
// workplace's peer scripts, so that a fresh clone can run its tests with nothing but
// the packages .ci/run installs.
//
// A peer that cannot start fails the test loudly: a skipped peer test is a missing
// test. Binaries are installed by .ci/run (apt and go install), never by a test.
package testpeer

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Spec describes one peer process.
type Spec struct {
	Name   string   // for messages and the log file name
	Binary string   // absolute path or a name looked up in PATH
	Hint   string   // how to install it, shown when it is missing
	Args   []string // command-line arguments; {{dir}} and {{port}} are filled in
	// ReadyURL is polled until it answers 2xx; {{port}} is filled in.
	ReadyURL string
	Wait     time.Duration
}

// Peer is a running peer process.
type Peer struct {
	Name string
	Dir  string // scratch directory of this peer (data, log)
	Log  string // path of its combined stdout/stderr

	// Port is the loopback port {{port}} stood for, kept across restarts.
	Port int

	spec   Spec
	bin    string
	cmd    *exec.Cmd
	exited chan struct{}
}

// LookBinary returns the path of a peer binary, failing the test when it is missing.
func LookBinary(t testing.TB, name, hint string) string {
	t.Helper()
	if filepath.IsAbs(name) {
		if _, err := os.Stat(name); err == nil {
			return name
		}
	} else if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if gp := goBin(name); gp != "" {
		return gp
	}
	t.Fatalf("peer binary %s not found: install it (%s) or run .ci/run", name, hint)
	return ""
}

// goBin finds a binary installed with `go install` in GOBIN or GOPATH/bin.
func goBin(name string) string {
	dirs := []string{os.Getenv("GOBIN")}
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.Join(gp, "bin"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p := filepath.Join(d, filepath.Base(name))
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// FreePort returns a port on 127.0.0.1 free a moment ago for both TCP and
// UDP: for a peer whose port must be on its command line, through Spec's
// {{port}} (Start retries a lost race when the peer has a ReadyURL). It is
// picked below Linux's ephemeral range (32768–60999), which binds to :0 never
// hand out: a port picked by binding :0 and closing was taken by another
// test's socket before snmpd could bind it (seen in CI). A server of our own
// listens on :0 instead.
func FreePort(t testing.TB) int {
	t.Helper()
	for range 500 {
		port := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			continue
		}
		c, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		l.Close()
		if err != nil {
			continue
		}
		c.Close()
		return port
	}
	t.Fatalf("find a free port: none free between 20000 and 32000")
	return 0
}

// Start launches the peer in its own process group, waits for ReadyURL and stops
// it when the test ends. {{dir}} in Args is replaced by the peer's scratch dir,
// {{port}} in Args and ReadyURL by a free loopback port. A port is only known
// to be free until someone else binds it, so a peer that exits during start-up
// is started again on a new port, up to three times; one that fails on every
// port fails the test with its log.
func Start(t testing.TB, s Spec) *Peer {
	t.Helper()
	dir := t.TempDir()
	p := &Peer{Name: s.Name, Dir: dir, Log: filepath.Join(dir, s.Name+".log"), spec: s}
	p.bin = LookBinary(t, s.Binary, s.Hint)
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		p.Port = FreePort(t)
		if err = p.launch(); err == nil {
			t.Cleanup(p.Stop)
			return p
		}
		if !p.usesPort() {
			break // a new port would not change anything
		}
	}
	t.Fatalf("%v", err)
	return nil
}

// readyURL is ReadyURL as launched, with its port filled in.
func (p *Peer) readyURL() string { return p.fill(p.spec.ReadyURL) }

// Base is http://127.0.0.1:Port, the peer's base URL when {{port}} is its listening port.
func (p *Peer) Base() string { return "http://" + Addr(p.Port) }

func (p *Peer) usesPort() bool {
	return strings.Contains(strings.Join(p.spec.Args, " ")+p.spec.ReadyURL, "{{port}}")
}

func (p *Peer) fill(a string) string {
	return strings.NewReplacer("{{dir}}", p.Dir, "{{port}}", strconv.Itoa(p.Port)).Replace(a)
}

// launch starts the process (again) with the same data directory and port.
func (p *Peer) launch() error {
	logf, err := os.OpenFile(p.Log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("create peer log: %w", err)
	}
	args := make([]string, len(p.spec.Args))
	for i, a := range p.spec.Args {
		args[i] = p.fill(a)
	}
	p.cmd = exec.Command(p.bin, args...)
	p.cmd.Dir = p.Dir
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start peer %s (%s): %w", p.Name, p.bin, err)
	}
	exited := make(chan struct{})
	p.exited = exited
	go func() { _ = p.cmd.Wait(); logf.Close(); close(exited) }()
	if p.spec.ReadyURL == "" {
		return nil
	}
	if err := p.waitReady(exited); err != nil {
		p.Stop()
		return err
	}
	return nil
}

// Restart starts a stopped peer again on the same directory and arguments.
func (p *Peer) Restart(t testing.TB) {
	t.Helper()
	p.Stop()
	if err := p.launch(); err != nil {
		t.Fatalf("restart: %v", err)
	}
}

func (p *Peer) waitReady(exited <-chan struct{}) error {
	wait := cmp.Or(p.spec.Wait, 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	url := p.readyURL()
	for {
		if httpOK(ctx, url) {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("peer %s exited during start-up:\n%s", p.Name, p.Tail())
		case <-ctx.Done():
			return fmt.Errorf("peer %s not ready at %s after %s:\n%s", p.Name, url, wait, p.Tail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func httpOK(ctx context.Context, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode/100 == 2
}

// Tail returns the last lines of the peer's log, for failure messages.
func (p *Peer) Tail() string {
	b, _ := os.ReadFile(p.Log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Stop terminates the peer and waits for it (tests use it to take a receiver down;
// it also runs at cleanup). Stopping a stopped peer does nothing.
func (p *Peer) Stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	}
}

// Addr formats 127.0.0.1:port.
func Addr(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// String names the peer in messages.
func (p *Peer) String() string { return fmt.Sprintf("%s (pid %d)", p.Name, p.cmd.Process.Pid) }
