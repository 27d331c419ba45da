package device

import (
	"encoding/binary"
	"io"
	"math"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// tenths encodes a value × 10 as the sensor's register: two's complement
// below zero, by hand (not with the collector's decoder).
func tenths(v float64) uint16 {
	return uint16(int16(math.Round(v * 10)))
}

func sensorTarget(name, profile, addr string, kv ...string) collectors.Target {
	tgt := target(name, profile, addr, kv...)
	tgt.Labels = map[string]string{"district": "市本级", "site": "市政务云A机房", "room": "A机房", "rack": "A-03"}
	return tgt
}

// TestTHSensorInput: the SHT20/XY-MD02 map (input registers 1 and 2) from
// pymodbus, a temperature below zero and humidity as a ratio.
func TestTHSensorInput(t *testing.T) {
	peer := testpeer.Modbus(t, testpeer.ModbusState{Units: map[uint8]testpeer.ModbusUnit{
		1: {Input: map[uint16]uint16{1: tenths(-5.3), 2: tenths(45.5)}},
		7: {Input: map[uint16]uint16{1: tenths(24.6), 2: tenths(61.2)}},
	}})
	c := newTestCollector(t)
	rec, err := poll(t, c, sensorTarget("th-a03", "th-sensor-input", peer.Addr))
	require.NoError(t, err)
	assert.InDelta(t, -5.3, value(t, rec, "room_temperature_celsius{}"), 1e-9)
	assert.InDelta(t, 0.455, value(t, rec, "room_humidity_ratio{}"), 1e-9)
	assert.Len(t, rec.Series(), 2)
	assert.Empty(t, rec.Problems())

	rec, err = poll(t, c, sensorTarget("th-a04", "th-sensor-input", peer.Addr, "unit_id", "7"))
	require.NoError(t, err)
	assert.InDelta(t, 24.6, value(t, rec, "room_temperature_celsius{}"), 1e-9)
	assert.InDelta(t, 0.612, value(t, rec, "room_humidity_ratio{}"), 1e-9)
}

// TestTHSensorHolding: the generic map (holding 0 and 1) in both orders;
// the same registers read with the wrong order give the other value, which
// is why the order is configuration.
func TestTHSensorHolding(t *testing.T) {
	peer := testpeer.Modbus(t, testpeer.ModbusState{Units: map[uint8]testpeer.ModbusUnit{
		1: {Holding: map[uint16]uint16{0: tenths(-12.5), 1: tenths(38)}},  // temperature first (the default)
		2: {Holding: map[uint16]uint16{0: tenths(52.5), 1: tenths(-0.4)}}, // humidity first
	}})
	c := newTestCollector(t)
	tgt := sensorTarget("th-b01", "th-sensor-holding", peer.Addr)
	require.NoError(t, c.ValidateTarget(tgt))
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.InDelta(t, -12.5, value(t, rec, "room_temperature_celsius{}"), 1e-9)
	assert.InDelta(t, 0.38, value(t, rec, "room_humidity_ratio{}"), 1e-9)

	swapped := sensorTarget("th-b02", "th-sensor-holding", peer.Addr, "unit_id", "2", "order", " humidity , temperature")
	require.NoError(t, c.ValidateTarget(swapped))
	rec, err = poll(t, c, swapped)
	require.NoError(t, err)
	assert.InDelta(t, -0.4, value(t, rec, "room_temperature_celsius{}"), 1e-9)
	assert.InDelta(t, 0.525, value(t, rec, "room_humidity_ratio{}"), 1e-9)

	wrong := sensorTarget("th-b02", "th-sensor-holding", peer.Addr, "unit_id", "2")
	rec, err = poll(t, c, wrong)
	require.NoError(t, err)
	assert.InDelta(t, 52.5, value(t, rec, "room_temperature_celsius{}"), 1e-9, "humidity read as temperature")
}

// TestTHSensorBadOrder: an order that does not list both values once is a
// configuration error before anything is sent.
func TestTHSensorBadOrder(t *testing.T) {
	c := newTestCollector(t)
	for _, order := range []string{"temperature,temperature", "temperature", "temp,humidity", "temperature,humidity,dew"} {
		tgt := sensorTarget("th-b03", "th-sensor-holding", closedPort(t), "order", order)
		err := c.ValidateTarget(tgt)
		require.ErrorIs(t, err, ErrConfig, order)
		assert.Contains(t, err.Error(), "must list temperature and humidity, each once", order)
		_, err = poll(t, c, tgt)
		require.ErrorIs(t, err, ErrConfig, order)
	}
}

// TestTHSensorErrors: a sensor without the second register (exception 02),
// one that answers too late, and one that answers a read of two registers
// with one: each a clear error, counted as a failed round.
func TestTHSensorErrors(t *testing.T) {
	t.Run("no such register", func(t *testing.T) {
		peer := testpeer.Modbus(t, testpeer.ModbusState{Units: map[uint8]testpeer.ModbusUnit{
			1: {Input: map[uint16]uint16{1: tenths(21)}}}})
		c := newTestCollector(t)
		before := mFailedRounds.Get()
		_, err := poll(t, c, sensorTarget("th-a03", "th-sensor-input", peer.Addr))
		require.ErrorIs(t, err, ErrDevice)
		assert.Contains(t, err.Error(), "room_temperature_celsius, room_humidity_ratio: ")
		assert.Contains(t, err.Error(), "input 1+2: exception 02 illegal data address")
		assert.Equal(t, before+1, mFailedRounds.Get())
	})
	t.Run("too slow", func(t *testing.T) {
		peer := testpeer.Modbus(t, testpeer.ModbusState{Delay: 2, Units: map[uint8]testpeer.ModbusUnit{
			1: {Input: map[uint16]uint16{1: tenths(21), 2: tenths(40)}}}})
		c := newTestCollector(t, func(c *Config) { c.RequestTimeout = 300 * time.Millisecond; c.Interval = 5 * time.Second })
		start := time.Now()
		_, err := poll(t, c, sensorTarget("th-a03", "th-sensor-input", peer.Addr))
		require.ErrorIs(t, err, ErrTimeout)
		assert.Contains(t, err.Error(), "no answer")
		assert.Less(t, time.Since(start), 3*time.Second)
	})
	t.Run("wrong register count", func(t *testing.T) {
		addr := shortAnswerServer(t)
		c := newTestCollector(t)
		before := mFailedRounds.Get()
		_, err := poll(t, c, sensorTarget("th-a03", "th-sensor-input", addr))
		require.ErrorIs(t, err, ErrBadAnswer)
		assert.Contains(t, err.Error(), "input 1+2")
		assert.Contains(t, err.Error(), "not the registers asked for")
		assert.Equal(t, before+1, mFailedRounds.Get())
	})
}

// shortAnswerServer is a Modbus TCP server (MBAP framing, Modbus
// Application Protocol 1.1b3) that answers every register read with one
// register fewer than asked: a fault of cheap RS-485 gateways that pymodbus,
// being correct, cannot produce.
func shortAnswerServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); serveShort(conn) }()
		}
	}()
	return l.Addr().String()
}

func serveShort(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	for {
		head := make([]byte, 7) // transaction, protocol, length, unit
		if _, err := io.ReadFull(conn, head); err != nil {
			return
		}
		pdu := make([]byte, int(binary.BigEndian.Uint16(head[4:]))-1)
		if _, err := io.ReadFull(conn, pdu); err != nil || len(pdu) < 5 {
			return
		}
		n := int(binary.BigEndian.Uint16(pdu[3:])) - 1
		body := append([]byte{pdu[0], byte(2 * n)}, make([]byte, 2*n)...)
		binary.BigEndian.PutUint16(head[4:], uint16(len(body)+1))
		if _, err := conn.Write(append(head, body...)); err != nil {
			return
		}
	}
}
