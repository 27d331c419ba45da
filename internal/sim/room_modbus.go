package sim

import (
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"time"

	"github.com/simonvetter/modbus"
)

// roomSensors is a machine room's RS485-to-TCP gateway: one Modbus TCP
// server whose unit ids 1..n are the racks' temperature/humidity sensors.
type roomSensors struct {
	room *room
	srv  *modbus.ModbusServer
	addr string
	now  func() float64
}

// start listens on a free loopback port (the library cannot listen on port
// 0 and say which it got, so a free one is picked first).
func (g *roomSensors) start(now func() float64) error {
	g.now = now
	var err error
	for range 5 {
		if g.addr, err = freeTCPAddr(); err != nil {
			return err
		}
		g.srv, err = modbus.NewServer(&modbus.ServerConfiguration{URL: "tcp://" + g.addr, Timeout: 30 * time.Second,
			MaxClients: 16, Logger: log.New(io.Discard, "", 0)}, g)
		if err == nil {
			if err = g.srv.Start(); err == nil {
				return nil
			}
		}
	}
	return fmt.Errorf("machine room %s sensors: %w", g.room.name, err)
}

func (g *roomSensors) stop() {
	if g.srv != nil {
		_ = g.srv.Stop()
	}
}

// registers are the sensor's two words at t: temperature ×10 (two's
// complement) and humidity ×10 in percent.
func (g *roomSensors) registers(unit uint8, t float64) ([2]uint16, error) {
	k := int(unit) - 1
	if k < 0 || k >= len(g.room.racks) {
		return [2]uint16{}, modbus.ErrGWTargetFailedToRespond
	}
	temp := int16(math.Round(g.room.temperature(k, t) * 10))
	rh := uint16(math.Round(g.room.humidity(k, t) * 1000))
	return [2]uint16{uint16(temp), rh}, nil
}

// HandleInputRegisters serves the SHT20/XY-MD02 map: 0x0001 temperature,
// 0x0002 humidity.
func (g *roomSensors) HandleInputRegisters(req *modbus.InputRegistersRequest) ([]uint16, error) {
	if g.room.sensorMap != "th-sensor-input" {
		return nil, modbus.ErrIllegalFunction
	}
	regs, err := g.registers(req.UnitId, g.now())
	if err != nil {
		return nil, err
	}
	return regWindow(map[uint16]uint16{1: regs[0], 2: regs[1]}, req.Addr, req.Quantity)
}

// HandleHoldingRegisters serves the RS-WS map: 0x0000 temperature, 0x0001
// humidity (this room's sensors are set to that order).
func (g *roomSensors) HandleHoldingRegisters(req *modbus.HoldingRegistersRequest) ([]uint16, error) {
	if g.room.sensorMap != "th-sensor-holding" || req.IsWrite {
		return nil, modbus.ErrIllegalFunction
	}
	regs, err := g.registers(req.UnitId, g.now())
	if err != nil {
		return nil, err
	}
	return regWindow(map[uint16]uint16{0: regs[0], 1: regs[1]}, req.Addr, req.Quantity)
}

func (g *roomSensors) HandleCoils(*modbus.CoilsRequest) ([]bool, error) {
	return nil, modbus.ErrIllegalFunction
}
func (g *roomSensors) HandleDiscreteInputs(*modbus.DiscreteInputsRequest) ([]bool, error) {
	return nil, modbus.ErrIllegalFunction
}

// regWindow reads quantity registers from addr of a sparse map; any address
// outside it is an illegal data address, as a real sensor answers.
func regWindow(regs map[uint16]uint16, addr, quantity uint16) ([]uint16, error) {
	out := make([]uint16, 0, quantity)
	for i := range quantity {
		v, ok := regs[addr+i]
		if !ok {
			return nil, modbus.ErrIllegalDataAddress
		}
		out = append(out, v)
	}
	return out, nil
}

// freeTCPAddr picks a free loopback TCP port.
func freeTCPAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
