package testpeer

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// SNMPTrapSender runs net-snmp's snmptrap command (apt package snmp) without
// MIBs (Debian ships none; OIDs are numeric) and with its persistent state in
// a scratch directory instead of /var/lib/snmp.
type SNMPTrapSender struct {
	Bin string
	dir string
}

// SNMPTrap finds the snmptrap binary, failing the test when it is missing.
func SNMPTrap(t testing.TB) *SNMPTrapSender {
	t.Helper()
	bin := LookBinary(t, "/usr/bin/snmptrap", "apt-get install snmp")
	return &SNMPTrapSender{Bin: bin, dir: t.TempDir()}
}

// Send runs `snmptrap -M /dev/null -m "" ARGS...` and returns its combined
// output. It fails the test when the command exits non-zero or hangs: the CLI
// fire-and-forgets traps, so an error is a broken command line, not a refusal.
func (s *SNMPTrapSender) Send(t testing.TB, args ...string) string {
	t.Helper()
	out, err := s.Try(args...)
	if err != nil {
		t.Fatalf("snmptrap %v: %v\n%s", args, err, out)
	}
	return out
}

// Try is Send that returns the error instead of failing the test.
func (s *SNMPTrapSender) Try(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.Bin, append([]string{"-M", "/dev/null", "-m", ""}, args...)...)
	cmd.Env = append(os.Environ(), "SNMP_PERSISTENT_DIR="+s.dir, "SNMPCONFPATH="+s.dir)
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// V2c sends a v2c trap: target is e.g. "udp:127.0.0.1:1162" or
// "udp6:[::1]:1162"; varbinds are snmptrap triples (OID type value).
func (s *SNMPTrapSender) V2c(t testing.TB, target, community, trapOID string, varbinds ...string) string {
	t.Helper()
	args := append([]string{"-v2c", "-c", community, target, "", trapOID}, varbinds...)
	return s.Send(t, args...)
}

// V3User is the sender side of an SNMPv3 USM user.
type V3User struct {
	Name, EngineID      string // EngineID in hex, e.g. 0x8000000001020304
	AuthProto, AuthPass string // e.g. SHA, authpass123
	PrivProto, PrivPass string // e.g. AES, privpass123 ("" for authNoPriv)
}

// V3 sends a v3 trap as the given user and engine (authPriv when PrivProto is
// set, else authNoPriv).
func (s *SNMPTrapSender) V3(t testing.TB, target string, u V3User, trapOID string, varbinds ...string) string {
	t.Helper()
	args := []string{"-v3", "-e", u.EngineID, "-u", u.Name, "-a", u.AuthProto, "-A", u.AuthPass}
	if u.PrivProto != "" {
		args = append(args, "-l", "authPriv", "-x", u.PrivProto, "-X", u.PrivPass)
	} else {
		args = append(args, "-l", "authNoPriv")
	}
	args = append(append(args, target, "", trapOID), varbinds...)
	return s.Send(t, args...)
}
