package devicefake

import (
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simonvetter/modbus"
)

// ModbusGate is a turnstile main board behind a Modbus TCP gateway, in the
// register layout of the shipped modbus-gate-board profile (the board's
// status frame fields — state, fault, pass counters, vcc, infrared — as
// registers; no vendor publishes a map, see that profile):
//
//	holding 0 state (0 normal)   holding 1 fault code   holding 2-3 passes in (u32)
//	holding 4-5 passes out (u32) input 0 vcc (0.1 V)     discrete 0 infrared beam blocked
//
// Values are big-endian, high word first, unit 1. It is for the simulator;
// the collector's tests read an independent server (pymodbus).
type ModbusGate struct {
	srv  *modbus.ModbusServer
	addr string

	mu        sync.Mutex
	state     uint16
	fault     uint16
	in, out   uint32
	vcc       uint16
	beam      bool
	exception error // answered to every read instead of values
	unit      uint8

	requests atomic.Int64
}

// NewModbusGate starts a board on 127.0.0.1 at a free port (the library
// cannot listen on port 0 and tell which port it got).
func NewModbusGate() (*ModbusGate, error) {
	g := &ModbusGate{vcc: 120, unit: 1}
	var err error
	for range 5 {
		if g.addr, err = freeAddr(); err != nil {
			return nil, err
		}
		g.srv, err = modbus.NewServer(&modbus.ServerConfiguration{URL: "tcp://" + g.addr, Timeout: 30 * time.Second,
			MaxClients: 64, Logger: log.New(io.Discard, "", 0)}, g)
		if err == nil {
			if err = g.srv.Start(); err == nil {
				return g, nil
			}
		}
	}
	return nil, fmt.Errorf("devicefake: modbus gate: %w", err)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Addr is host:port of the board.
func (g *ModbusGate) Addr() string { return g.addr }

// Close stops the board.
func (g *ModbusGate) Close() error { return g.srv.Stop() }

// Requests is how many reads the board served.
func (g *ModbusGate) Requests() int64 { return g.requests.Load() }

// SetState sets holding 0 (0 normal) and the fault code.
func (g *ModbusGate) SetState(state, fault uint16) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.state, g.fault = state, fault
}

// Pass adds n passages in a direction ("in" or "out").
func (g *ModbusGate) Pass(direction string, n uint32) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if direction == "out" {
		g.out += n
	} else {
		g.in += n
	}
}

// PowerCycle clears the pass counters, as a power loss does.
func (g *ModbusGate) PowerCycle() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.in, g.out = 0, 0
}

// SetBeam sets the infrared beam input.
func (g *ModbusGate) SetBeam(blocked bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.beam = blocked
}

// SetException makes every read answer a Modbus exception (e.g.
// modbus.ErrServerDeviceFailure); nil restores answers.
func (g *ModbusGate) SetException(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.exception = err
}

// HandleHoldingRegisters serves holding 0-5 (reads only).
func (g *ModbusGate) HandleHoldingRegisters(req *modbus.HoldingRegistersRequest) ([]uint16, error) {
	g.requests.Add(1)
	g.mu.Lock()
	defer g.mu.Unlock()
	regs := []uint16{g.state, g.fault, uint16(g.in >> 16), uint16(g.in), uint16(g.out >> 16), uint16(g.out)}
	return g.slice(req.UnitId, req.IsWrite, req.Addr, req.Quantity, regs)
}

// HandleInputRegisters serves input 0.
func (g *ModbusGate) HandleInputRegisters(req *modbus.InputRegistersRequest) ([]uint16, error) {
	g.requests.Add(1)
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.slice(req.UnitId, false, req.Addr, req.Quantity, []uint16{g.vcc})
}

// HandleDiscreteInputs serves discrete 0.
func (g *ModbusGate) HandleDiscreteInputs(req *modbus.DiscreteInputsRequest) ([]bool, error) {
	g.requests.Add(1)
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.check(req.UnitId, false, req.Addr, req.Quantity, 1); err != nil {
		return nil, err
	}
	return []bool{g.beam}[req.Addr : req.Addr+req.Quantity], nil
}

// HandleCoils: the board has none.
func (g *ModbusGate) HandleCoils(*modbus.CoilsRequest) ([]bool, error) {
	g.requests.Add(1)
	return nil, modbus.ErrIllegalDataAddress
}

func (g *ModbusGate) slice(unit uint8, write bool, addr, n uint16, regs []uint16) ([]uint16, error) {
	if err := g.check(unit, write, addr, n, len(regs)); err != nil {
		return nil, err
	}
	return append([]uint16(nil), regs[addr:addr+n]...), nil
}

func (g *ModbusGate) check(unit uint8, write bool, addr, n uint16, size int) error {
	switch {
	case unit != g.unit:
		return modbus.ErrGWTargetFailedToRespond
	case g.exception != nil:
		return g.exception
	case write:
		return modbus.ErrIllegalFunction
	case int(addr)+int(n) > size:
		return modbus.ErrIllegalDataAddress
	}
	return nil
}
