package device

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// words splits v (of n registers) into big-endian registers, high word first.
func words(v uint64, n int) []uint16 {
	out := make([]uint16, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = uint16(v)
		v >>= 16
	}
	return out
}

func put(m map[uint16]uint16, addr uint16, ws ...uint16) {
	for i, w := range ws {
		m[addr+uint16(i)] = w
	}
}

// typesState encodes the test-modbus-types values by hand (not with the
// collector's decoder) for unit 2.
func typesState() testpeer.ModbusState {
	h := map[uint16]uint16{}
	put(h, 10, 54321)
	put(h, 11, uint16(0xfffe)) // -2
	put(h, 12, words(3_000_000_000, 2)...)
	neg := int32(-123456)
	i32 := words(uint64(uint32(neg)), 2)
	put(h, 14, i32[1], i32[0]) // low word first
	put(h, 16, words(uint64(math.Float32bits(21.5)), 2)...)
	put(h, 20, words(1<<40+7, 4)...)
	le := make([]byte, 2)
	binary.LittleEndian.PutUint16(le, 0x1234)
	put(h, 30, binary.BigEndian.Uint16(le)) // the bytes swapped on the wire
	return testpeer.ModbusState{Units: map[uint8]testpeer.ModbusUnit{2: {
		Holding: h, Input: map[uint16]uint16{5: 231}, Coils: map[uint16]uint16{0: 1}, Discrete: map[uint16]uint16{1: 0},
	}}}
}

func withTestProfiles(c *Config) { c.Profiles = []string{"testdata/profiles"} }

// TestModbusTypes reads every register type from pymodbus, an independent
// Modbus server.
func TestModbusTypes(t *testing.T) {
	peer := testpeer.Modbus(t, typesState())
	c := newTestCollector(t, withTestProfiles)
	rec, err := poll(t, c, target("board-1", "test-modbus-types", peer.Addr))
	require.NoError(t, err)
	for key, want := range map[string]float64{
		"device_t_u16{}": 54321, "device_t_i16{}": -2, "device_t_u32{}": 3_000_000_000, "device_t_i32lo{}": -123456,
		"device_t_f32{}": 21.5, "device_t_u64{}": 1<<40 + 7, "device_t_u16le{}": 0x1234, "device_t_relay{}": 1,
		"device_t_door{}": 0,
	} {
		assert.Equal(t, want, value(t, rec, key), key)
	}
	assert.InDelta(t, 23.1, value(t, rec, "device_t_volts{}"), 1e-9)
	_, ok := rec.Value("device_t_spare{}")
	assert.False(t, ok, "an optional register the device lacks (exception 02) is left out")
	assert.Empty(t, rec.Problems())
}

// gateState is the modbus-gate-board layout on unit 1.
func gateState(state, fault uint16, in, out uint32) testpeer.ModbusState {
	h := map[uint16]uint16{0: state, 1: fault}
	put(h, 2, words(uint64(in), 2)...)
	put(h, 4, words(uint64(out), 2)...)
	return testpeer.ModbusState{Units: map[uint8]testpeer.ModbusUnit{1: {
		Holding: h, Input: map[uint16]uint16{0: 121}, Discrete: map[uint16]uint16{0: 1}}}}
}

// TestModbusGateBoard: the shipped profile's series, and pass counters that
// stay monotonic when the board loses power and restarts from zero.
func TestModbusGateBoard(t *testing.T) {
	peer := testpeer.Modbus(t, gateState(0, 0, 1000, 400))
	c := newTestCollector(t)
	tgt := target("gate-north-1", "modbus-gate-board", peer.Addr, "gate", "北门1号闸")
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `gate_ok{gate="北门1号闸"}`))
	assert.Equal(t, 0.0, value(t, rec, `gate_fault_code{gate="北门1号闸"}`))
	assert.Equal(t, 1000.0, value(t, rec, `gate_passages_total{direction="in",gate="北门1号闸"}`))
	assert.Equal(t, 400.0, value(t, rec, `gate_passages_total{direction="out",gate="北门1号闸"}`))
	assert.InDelta(t, 12.1, value(t, rec, `device_supply_volts{gate="北门1号闸"}`), 1e-9)
	assert.Equal(t, 1.0, value(t, rec, `device_gate_beam_blocked{gate="北门1号闸"}`))

	peer.Set(t, gateState(1, 23, 1010, 405))
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `gate_ok{gate="北门1号闸"}`))
	assert.Equal(t, 23.0, value(t, rec, `gate_fault_code{gate="北门1号闸"}`))
	assert.Equal(t, 1010.0, value(t, rec, `gate_passages_total{direction="in",gate="北门1号闸"}`))

	peer.Set(t, gateState(0, 0, 3, 1)) // power loss: the counters restart
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1013.0, value(t, rec, `gate_passages_total{direction="in",gate="北门1号闸"}`))
	assert.Equal(t, 406.0, value(t, rec, `gate_passages_total{direction="out",gate="北门1号闸"}`))
}

// TestModbusWordOrderParam: a board wired low word first is read right once
// the target says so, without a profile of its own.
func TestModbusWordOrderParam(t *testing.T) {
	st := gateState(0, 0, 0, 0)
	put(st.Units[1].Holding, 2, 0x0001, 0x0002) // 0x0002_0001 low word first
	peer := testpeer.Modbus(t, st)
	c := newTestCollector(t)
	rec, err := poll(t, c, target("g", "modbus-gate-board", peer.Addr, "gate", "g", "word_order", "low_first"))
	require.NoError(t, err)
	assert.Equal(t, float64(0x0002_0001), value(t, rec, `gate_passages_total{direction="in",gate="g"}`))
	_, err = poll(t, c, target("g", "modbus-gate-board", peer.Addr, "gate", "g", "word_order", "middle"))
	assert.ErrorIs(t, err, ErrConfig)
}

// TestModbusFaults: exception answers, a missing unit, a slow device and a
// closed port each fail the round with the reason, by the deadline.
func TestModbusFaults(t *testing.T) {
	st := gateState(0, 0, 1, 1)
	st.Fail = []string{"1:holding:1"}
	peer := testpeer.Modbus(t, st)
	c := newTestCollector(t, func(c *Config) { c.RequestTimeout = 500 * time.Millisecond; c.Interval = 5 * time.Second })

	_, err := poll(t, c, target("g", "modbus-gate-board", peer.Addr, "gate", "g"))
	require.ErrorIs(t, err, ErrDevice)
	assert.Contains(t, err.Error(), "server device failure")

	peer.Set(t, testpeer.ModbusState{Units: map[uint8]testpeer.ModbusUnit{1: {Holding: map[uint16]uint16{0: 0}}}})
	_, err = poll(t, c, target("g", "modbus-gate-board", peer.Addr, "gate", "g"))
	require.ErrorIs(t, err, ErrDevice)
	assert.Contains(t, err.Error(), "illegal data address")

	peer.Set(t, gateState(0, 0, 1, 1))
	start := time.Now()
	_, err = poll(t, c, target("g", "modbus-gate-board", peer.Addr, "gate", "g", "unit_id", "9"))
	require.ErrorIs(t, err, ErrTimeout, "a unit the gateway does not have never answers")
	assert.Less(t, time.Since(start), 3*time.Second)

	slow := gateState(0, 0, 1, 1)
	slow.Delay = 3
	peer.Set(t, slow)
	ctx, cancel := contextWithTimeout(time.Second)
	defer cancel()
	start = time.Now()
	err = c.Collect(ctx, target("g", "modbus-gate-board", peer.Addr, "gate", "g"), func(string, float64, ...string) {})
	require.ErrorIs(t, err, ErrTimeout)
	assert.Less(t, time.Since(start), 1500*time.Millisecond, "the round returns at its deadline")

	closed := closedPort(t)
	_, err = poll(t, c, target("g", "modbus-gate-board", closed, "gate", "g"))
	require.ErrorIs(t, err, ErrRefused)
}
