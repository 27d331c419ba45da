package testpeer

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RsyslogHint is how to install rsyslogd and its TLS drivers.
const RsyslogHint = "apt-get install rsyslog rsyslog-gnutls rsyslog-openssl (scripts/install-peers.sh)"

// RsyslogForward is one omfwd action of a sending rsyslogd: every line
// written with Send goes to Target.
type RsyslogForward struct {
	Target   string // 127.0.0.1:PORT
	Protocol string // "udp" or "tcp"
	// Framing of tcp: "octet-counted" (RFC 6587 3.4.1) or "" for LF ("traditional").
	Framing string
	// Template: "RSYSLOG_SyslogProtocol23Format" (RFC 5424) or ""
	// (RSYSLOG_TraditionalForwardFormat, RFC 3164).
	Template string
	TLS      *RsyslogTLS // tcp over TLS when set
}

// RsyslogTLS makes a forward use TLS: Driver is "gtls" (GnuTLS) or "ossl"
// (OpenSSL); the server's certificate is checked against CAFile; CertFile and
// KeyFile, when set, are the client certificate for mutual TLS.
type RsyslogTLS struct {
	Driver                    string
	CAFile, CertFile, KeyFile string
}

// RsyslogSpec configures one rsyslogd.
type RsyslogSpec struct {
	Forward []RsyslogForward
	// Tag, facility and severity of the lines read from the input file
	// (default "swtest:", local0, notice).
	Tag, Facility, Severity string
	// Receive makes it a receiver too: imudp and imtcp on Port (the same
	// number for both), every line written to Out with the default file
	// format, as a Debian syslog server writes /var/log.
	Receive bool
}

// RsyslogPeer is a running rsyslogd in the foreground with its own config,
// work directory and pid file (never the system service).
type RsyslogPeer struct {
	*Peer
	In   string // the file rsyslogd reads (imfile); Send appends to it
	Out  string // where a receiver writes (Receive)
	Port int    // imudp/imtcp port (Receive)
	Conf string
}

// Rsyslog starts rsyslogd -n with the spec's configuration, failing the test
// when rsyslogd is missing or refuses the configuration.
func Rsyslog(t testing.TB, spec RsyslogSpec) *RsyslogPeer {
	t.Helper()
	bin := LookBinary(t, "/usr/sbin/rsyslogd", RsyslogHint)
	dir := t.TempDir()
	p := &RsyslogPeer{In: filepath.Join(dir, "in.log"), Out: filepath.Join(dir, "out.log"),
		Conf: filepath.Join(dir, "rsyslog.conf")}
	if spec.Receive {
		p.Port = FreePort(t)
	}
	for _, f := range spec.Forward {
		if f.TLS != nil {
			LookBinary(t, "/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_"+f.TLS.Driver+".so", RsyslogHint)
		}
	}
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.In, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	conf := rsyslogConf(spec, p, work)
	if err := os.WriteFile(p.Conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	pid := filepath.Join(dir, "rsyslogd.pid")
	p.Peer = Start(t, Spec{Name: "rsyslogd", Binary: bin, Hint: RsyslogHint,
		Args: []string{"-n", "-f", p.Conf, "-i", pid}})
	p.waitReady(t, pid, spec.Receive)
	return p
}

// rsyslogConf writes the RainerScript configuration.
func rsyslogConf(spec RsyslogSpec, p *RsyslogPeer, work string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "global(workDirectory=%q maxMessageSize=\"64k\")\n", work)
	fmt.Fprintf(&b, "module(load=\"imfile\")\ninput(type=\"imfile\" file=%q tag=%q facility=%q severity=%q ruleset=\"fwd\")\n",
		p.In, or(spec.Tag, "swtest:"), or(spec.Facility, "local0"), or(spec.Severity, "notice"))
	b.WriteString("ruleset(name=\"fwd\") {\n")
	for _, f := range spec.Forward {
		b.WriteString("  " + omfwd(f) + "\n")
	}
	if spec.Receive {
		fmt.Fprintf(&b, "  action(type=\"omfile\" file=%q)\n", p.Out)
	}
	b.WriteString("}\n")
	if spec.Receive {
		fmt.Fprintf(&b, "module(load=\"imudp\")\nmodule(load=\"imtcp\")\n"+
			"input(type=\"imudp\" address=\"127.0.0.1\" port=\"%d\" ruleset=\"fwd\")\n"+
			"input(type=\"imtcp\" address=\"127.0.0.1\" port=\"%d\" ruleset=\"fwd\")\n", p.Port, p.Port)
	}
	return b.String()
}

// omfwd is one forwarding action; it retries for ever from a memory queue, so
// a line sent before our listener is up still arrives.
func omfwd(f RsyslogForward) string {
	host, port, _ := net.SplitHostPort(f.Target)
	a := fmt.Sprintf("action(type=\"omfwd\" target=%q port=%q protocol=%q template=%q action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\" queue.type=\"LinkedList\"",
		host, port, f.Protocol, or(f.Template, "RSYSLOG_TraditionalForwardFormat"))
	if f.Framing == "octet-counted" {
		a += " tcp_framing=\"octet-counted\""
	}
	if t := f.TLS; t != nil {
		a += fmt.Sprintf(" streamDriver=%q streamDriverMode=\"1\" streamDriverAuthMode=\"x509/certvalid\" streamDriver.CAFile=%q", t.Driver, t.CAFile)
		if t.CertFile != "" {
			a += fmt.Sprintf(" streamDriver.CertFile=%q streamDriver.KeyFile=%q", t.CertFile, t.KeyFile)
		}
	}
	return a + ")"
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// waitReady waits for the pid file (the configuration was accepted) and, for
// a receiver, for its TCP port.
func (p *RsyslogPeer) waitReady(t testing.TB, pid string, receive bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for {
		ok := fileHas(pid)
		if ok && receive {
			c, err := net.DialTimeout("tcp", Addr(p.Port), time.Second)
			if ok = err == nil; ok {
				c.Close()
			}
		}
		if ok {
			return
		}
		select {
		case <-p.exited:
			t.Fatalf("rsyslogd exited during start-up:\n%s\nconfig:\n%s", p.Tail(), p.conf())
		case <-ctx.Done():
			t.Fatalf("rsyslogd not ready after 15s:\n%s\nconfig:\n%s", p.Tail(), p.conf())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (p *RsyslogPeer) conf() string { b, _ := os.ReadFile(p.Conf); return string(b) }

func fileHas(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Size() > 0
}

// Send appends lines to the input file, which rsyslogd reads and forwards.
func (p *RsyslogPeer) Send(t testing.TB, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(p.In, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
}
