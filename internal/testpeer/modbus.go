package testpeer

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// modbusScript is a pymodbus TCP server whose registers come from a JSON
// state file (testdata/modbussim.py says how).
//
//go:embed testdata/modbussim.py
var modbusScript []byte

// modbusHint is how to install the Modbus peer: Debian's pymodbus server
// imports pyserial-asyncio, which the package only recommends.
const modbusHint = "apt-get install python3-pymodbus python3-serial-asyncio"

// ModbusUnit is one unit (slave) of the Modbus peer: register address →
// value per table. Coils and discrete inputs take 0 or 1.
type ModbusUnit struct {
	Holding  map[uint16]uint16 `json:"holding,omitempty"`
	Input    map[uint16]uint16 `json:"input,omitempty"`
	Coils    map[uint16]uint16 `json:"coils,omitempty"`
	Discrete map[uint16]uint16 `json:"discrete,omitempty"`
}

// ModbusState is what the peer serves; Set replaces it while it runs.
type ModbusState struct {
	Units map[uint8]ModbusUnit `json:"units"`
	// Fail lists "unit:table:address" cells whose read raises in the
	// server: pymodbus answers exception 04 (server device failure).
	Fail []string `json:"fail,omitempty"`
	// Delay is how long the server sleeps before each answer, in seconds.
	Delay float64 `json:"delay,omitempty"`
}

// ModbusPeer is a running pymodbus server.
type ModbusPeer struct {
	*Peer
	Addr  string // 127.0.0.1:PORT
	state string
}

// Modbus starts Debian's python3-pymodbus as a Modbus TCP server on a free
// port of 127.0.0.1 serving st. An address a unit does not list answers
// exception 02; a unit not listed gets no answer.
func Modbus(t testing.TB, st ModbusState) *ModbusPeer {
	t.Helper()
	if out, err := runPython("import pymodbus.server"); err != nil {
		t.Fatalf("the Modbus peer needs pymodbus with its server (%s): %v\n%s", modbusHint, err, out)
	}
	dir := t.TempDir()
	p := &ModbusPeer{state: filepath.Join(dir, "modbus.json")}
	p.Set(t, st)
	script := filepath.Join(dir, "modbussim.py")
	if err := os.WriteFile(script, modbusScript, 0o600); err != nil {
		t.Fatalf("write modbussim.py: %v", err)
	}
	p.Peer = Start(t, Spec{Name: "pymodbus", Binary: "/usr/bin/python3", Hint: modbusHint,
		Args: []string{script, "{{port}}", p.state}})
	p.Addr = Addr(p.Peer.Port)
	p.waitTCP(t)
	return p
}

// Set replaces the served registers, failures and delay.
func (p *ModbusPeer) Set(t testing.TB, st ModbusState) {
	t.Helper()
	units := map[string]ModbusUnit{}
	for id, u := range st.Units {
		units[strconv.Itoa(int(id))] = u
	}
	b, err := json.Marshal(map[string]any{"units": units, "fail": st.Fail, "delay": st.Delay})
	if err != nil {
		t.Fatalf("encode modbus state: %v", err)
	}
	tmp := p.state + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatalf("write modbus state: %v", err)
	}
	if err := os.Rename(tmp, p.state); err != nil {
		t.Fatalf("install modbus state: %v", err)
	}
}

// waitTCP waits until the server accepts connections.
func (p *ModbusPeer) waitTCP(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("pymodbus exited during start-up (%s):\n%s", modbusHint, p.Tail())
		default:
		}
		if c, err := net.DialTimeout("tcp", p.Addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("pymodbus not listening on %s after 20s:\n%s", p.Addr, p.Tail())
}

func runPython(code string) ([]byte, error) {
	cmd := exec.Command("/usr/bin/python3", "-c", code)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("python3 -c %q: %w", code, err)
	}
	return out, nil
}
