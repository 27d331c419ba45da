package testpeer

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
)

// ifsimScript is net-snmp pass_persist helper that serves a synthetic ifTable and
// ifXTable from a JSON state file, with counters that move by themselves.
//
//go:embed testdata/ifsim.py
var ifsimScript []byte

// SNMPD credentials of the test agent (test-only values, never real ones).
const (
	SNMPDCommunity = "public"
	SNMPDV3User    = "opsv3"
	SNMPDV3Auth    = "authpass123" // SHA
	SNMPDV3Priv    = "privpass123" // AES
)

// SNMPDPeer is a running net-snmp snmpd with synthetic interfaces.
type SNMPDPeer struct {
	*Peer
	Port  int
	Addr  string // 127.0.0.1:PORT
	Addr6 string // [::1]:PORT
	state string // ifstate.json read by the helper
}

// DefaultSNMPDInterfaces are the synthetic interfaces of SNMPD: two busy
// uplinks, an admin-down spare and a 10G link, rates in bit/s.
func DefaultSNMPDInterfaces() []map[string]any {
	return []map[string]any{
		{"index": 1, "name": "GE0/0/1", "descr": "uplink-core", "speed_mbps": 1000, "in_bps": 80000000, "out_bps": 40000000, "alias": "to-core"},
		{"index": 2, "name": "GE0/0/2", "descr": "camera-vlan", "speed_mbps": 1000, "in_bps": 20000000, "out_bps": 1000000, "alias": "park-cameras"},
		{"index": 3, "name": "GE0/0/3", "descr": "spare", "speed_mbps": 1000, "admin": 2, "oper": 2},
		{"index": 10, "name": "XGE1/0/1", "descr": "dc-link", "speed_mbps": 10000, "in_bps": 4000000000, "out_bps": 2000000000, "alias": "gov-cloud"},
	}
}

// SNMPD starts the real snmpd (apt snmpd) on a free UDP port of 127.0.0.1 and
// [::1] with community SNMPDCommunity (v2c) and the v3 authPriv user
// SNMPDV3User (SHA/AES). The built-in IF-MIB is off; the interfaces (default:
// DefaultSNMPDInterfaces) come from the pass_persist helper, and IfSet changes
// them while the agent runs.
func SNMPD(t testing.TB, interfaces ...map[string]any) *SNMPDPeer {
	t.Helper()
	bin := LookBinary(t, "/usr/sbin/snmpd", "apt-get install snmpd")
	if len(interfaces) == 0 {
		interfaces = DefaultSNMPDInterfaces()
	}
	dir := t.TempDir()
	port := freeUDPPort(t)
	p := &SNMPDPeer{Port: port, Addr: Addr(port), Addr6: fmt.Sprintf("[::1]:%d", port),
		state: filepath.Join(dir, "ifstate.json")}
	p.writeFiles(t, dir, interfaces)
	p.Peer = Start(t, Spec{
		Name:   "snmpd",
		Binary: "/usr/bin/env",
		Hint:   "coreutils",
		Args: []string{"SNMP_PERSISTENT_DIR=" + filepath.Join(dir, "persist"), bin, "-f", "-C",
			"-c", filepath.Join(dir, "snmpd.conf"), "-M", "/dev/null", "-m", "",
			"-I", "-smux,ifTable,ifXTable,interfaces", "-Lo"},
	})
	p.waitSNMP(t)
	return p
}

func (p *SNMPDPeer) writeFiles(t testing.TB, dir string, interfaces []map[string]any) {
	t.Helper()
	helper := filepath.Join(dir, "ifsim.py")
	conf := fmt.Sprintf(`agentAddress udp:127.0.0.1:%[1]d,udp6:[::1]:%[1]d
rocommunity  %[2]s 127.0.0.1
rocommunity6 %[2]s ::1
createUser %[3]s SHA %[4]s AES %[5]s
rouser %[3]s priv
sysName snmpd-peer
sysLocation test-lab
dontLogTCPWrappersConnects yes
pass_persist .1.3.6.1.2.1.2 /usr/bin/python3 %[6]s %[7]s
pass_persist .1.3.6.1.2.1.31.1.1 /usr/bin/python3 %[6]s %[7]s
`, p.Port, SNMPDCommunity, SNMPDV3User, SNMPDV3Auth, SNMPDV3Priv, helper, p.state)
	state, err := json.MarshalIndent(map[string]any{"t0": time.Now().Unix(), "interfaces": interfaces}, "", " ")
	if err != nil {
		t.Fatalf("encode ifstate: %v", err)
	}
	WritePassPersist(t, dir)
	for name, b := range map[string][]byte{"snmpd.conf": []byte(conf), "ifsim.py": ifsimScript, "ifstate.json": state} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "persist"), 0o700); err != nil {
		t.Fatalf("create persist dir: %v", err)
	}
}

// freeUDPPort returns a UDP port free on both 127.0.0.1 and [::1] a moment ago.
func freeUDPPort(t testing.TB) int {
	t.Helper()
	for range 20 {
		c4, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free udp port: %v", err)
		}
		port := c4.LocalAddr().(*net.UDPAddr).Port
		c6, err := net.ListenPacket("udp6", fmt.Sprintf("[::1]:%d", port))
		c4.Close()
		if err == nil {
			c6.Close()
			return port
		}
	}
	t.Fatalf("no udp port free on both 127.0.0.1 and ::1")
	return 0
}

// waitSNMP polls sysName.0 over v2c until snmpd answers: testpeer.Start only
// knows HTTP readiness.
func (p *SNMPDPeer) waitSNMP(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("snmpd exited during start-up:\n%s", p.Tail())
		default:
		}
		g := &gosnmp.GoSNMP{Target: "127.0.0.1", Port: uint16(p.Port), Community: SNMPDCommunity,
			Version: gosnmp.Version2c, Timeout: 300 * time.Millisecond}
		if g.Connect() == nil {
			_, err := g.Get([]string{".1.3.6.1.2.1.1.5.0"})
			g.Conn.Close()
			if err == nil {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("snmpd not answering on udp %s after 15s:\n%s", p.Addr, p.Tail())
}

// IfSet changes synthetic interface index while the agent runs, e.g.
// IfSet(t, 2, "oper=2", "in_bps=0") takes a link down. Values are JSON
// (numbers, true) or plain strings. Octet counters stay continuous across a
// rate change; in_base=0 resets a counter.
func (p *SNMPDPeer) IfSet(t testing.TB, index int, kv ...string) {
	t.Helper()
	var d struct {
		T0         float64          `json:"t0"`
		Interfaces []map[string]any `json:"interfaces"`
	}
	b, err := os.ReadFile(p.state)
	if err == nil {
		err = json.Unmarshal(b, &d)
	}
	if err != nil {
		t.Fatalf("read ifstate: %v", err)
	}
	i := findIf(d.Interfaces, index)
	if i == nil {
		t.Fatalf("IfSet: no interface with index %d", index)
	}
	now := float64(time.Now().UnixNano()) / 1e9
	for _, s := range kv {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			t.Fatalf("IfSet: %q is not key=value", s)
		}
		if k == "in_bps" || k == "out_bps" {
			rebase(i, d.T0, now)
		}
		var jv any
		if json.Unmarshal([]byte(v), &jv) != nil {
			jv = v
		}
		i[k] = jv
	}
	writeAtomic(t, p.state, map[string]any{"t0": d.T0, "interfaces": d.Interfaces})
}

func findIf(ifs []map[string]any, index int) map[string]any {
	for _, i := range ifs {
		if f, _ := i["index"].(float64); int(f) == index {
			return i
		}
	}
	return nil
}

// rebase folds the octets counted so far into in_base/out_base and restarts
// the clock, so that a rate change keeps the counters continuous.
func rebase(i map[string]any, t0, now float64) {
	since := num(i["since"])
	if since == 0 {
		since = t0
	}
	for _, dir := range []string{"in", "out"} {
		i[dir+"_base"] = int64(num(i[dir+"_base"]) + num(i[dir+"_bps"])/8*(now-since))
	}
	i["since"] = now
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

func writeAtomic(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatalf("encode ifstate: %v", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatalf("write ifstate: %v", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatalf("install ifstate: %v", err)
	}
}
