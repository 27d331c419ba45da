package device

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// passAgent is net-snmp's snmpd serving a device's OIDs through a
// pass_persist helper (testdata/*.py) whose state files the test rewrites
// while snmpd runs: the firewalls, load balancers and machine-room agents.
type passAgent struct {
	addr, dir string
	port      int
}

// passSpec says what snmpd serves.
type passSpec struct {
	name      string // the peer's name, e.g. snmpd-lb
	community string
	script    []byte // the helper, written to dir/helper.py
	// lines are the pass_persist lines' "ROOT ARGS…" after the interpreter
	// and script; one line each.
	lines []string
	// probe says whether the helper answers (one request on a connected g).
	probe func(g *gosnmp.GoSNMP) bool
	what  string // for the failure: "the UPS-MIB"
}

// startPassAgent starts snmpd on dir (the caller wrote the helper's state
// there first) and waits until probe answers. A UDP port another test takes
// between the check and snmpd's bind is tried again on another.
func startPassAgent(t testing.TB, dir string, spec passSpec) *passAgent {
	t.Helper()
	bin := testpeer.LookBinary(t, "/usr/sbin/snmpd", "apt-get install snmpd")
	script := filepath.Join(dir, "helper.py")
	conf := "rocommunity " + spec.community + " 127.0.0.1\n"
	for _, l := range spec.lines {
		root, args, _ := strings.Cut(l, " ")
		conf += "pass_persist " + root + " /usr/bin/python3 " + script + " " + args + "\n"
	}
	require.NoError(t, os.WriteFile(script, spec.script, 0o600))
	testpeer.WritePassPersist(t, dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "snmpd.conf"), []byte(conf), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "persist"), 0o700))
	a := &passAgent{dir: dir}
	var peer *testpeer.Peer
	for range 3 {
		port := testpeer.FreePort(t)
		peer = testpeer.Start(t, testpeer.Spec{Name: spec.name, Binary: "/usr/bin/env", Hint: "coreutils",
			Args: []string{"SNMP_PERSISTENT_DIR=" + filepath.Join(dir, "persist"), bin, "-f", "-C",
				"-c", filepath.Join(dir, "snmpd.conf"), "-M", "/dev/null", "-m", "", "-Lo",
				"udp:" + testpeer.Addr(port)}})
		a.addr, a.port = testpeer.Addr(port), port
		if a.wait(peer, spec) {
			return a
		}
		if !strings.Contains(peer.Tail(), "Error opening specified endpoint") {
			break
		}
		peer.Stop()
	}
	t.Fatalf("snmpd not serving %s on %s:\n%s", spec.what, a.addr, peer.Tail())
	return nil
}

// wait polls until the helper answers spec's probe; false when snmpd could
// not open its endpoint or did not answer within 15 s.
func (a *passAgent) wait(peer *testpeer.Peer, spec passSpec) bool {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(peer.Tail(), "Error opening specified endpoint") {
			return false
		}
		g := &gosnmp.GoSNMP{Target: "127.0.0.1", Port: uint16(a.port), Community: spec.community,
			Version: gosnmp.Version2c, Timeout: 300 * time.Millisecond}
		if g.Connect() == nil {
			ok := spec.probe(g)
			g.Conn.Close()
			if ok {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// writeState replaces a helper's JSON state file at once (write and rename),
// so that the helper never reads half of it.
func writeState(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, b, 0o600))
	require.NoError(t, os.Rename(tmp, path))
}

// answersInteger probes with a Get (next: GetNext) of oid for an Integer.
func answersInteger(oid string, next bool) func(g *gosnmp.GoSNMP) bool {
	return func(g *gosnmp.GoSNMP) bool {
		get := g.Get
		if next {
			get = g.GetNext
		}
		pkt, err := get([]string{oid})
		return err == nil && len(pkt.Variables) == 1 && pkt.Variables[0].Type == gosnmp.Integer
	}
}

// answersUnder probes with a GetNext of root for an object below it.
func answersUnder(root string) func(g *gosnmp.GoSNMP) bool {
	return func(g *gosnmp.GoSNMP) bool {
		pkt, err := g.GetNext([]string{root})
		return err == nil && len(pkt.Variables) == 1 && strings.HasPrefix(pkt.Variables[0].Name, root+".")
	}
}
