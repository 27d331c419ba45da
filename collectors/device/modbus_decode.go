package device

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// registerWords is how many 16-bit registers a value of typ spans.
func registerWords(typ string) int {
	switch typ {
	case "u32", "i32", "f32":
		return 2
	case "u64":
		return 4
	}
	return 1
}

// decodeRegisters turns the wire bytes of one value (2 per register, as the
// device sent them) into a number. byteOrder little means the device swaps
// the two bytes inside each register; wordOrder low_first means the first
// register holds the least significant word.
func decodeRegisters(wire []byte, typ, byteOrder, wordOrder string) (float64, error) {
	words := registerWords(typ)
	if len(wire) != 2*words {
		return 0, fmt.Errorf("%w: %d bytes for a %s", ErrBadAnswer, len(wire), typ)
	}
	var u uint64
	for i := range words {
		k := i
		if wordOrder == "low_first" {
			k = words - 1 - i
		}
		w := binary.BigEndian.Uint16(wire[2*k:])
		if byteOrder == "little" {
			w = w<<8 | w>>8
		}
		u = u<<16 | uint64(w)
	}
	switch typ {
	case "u16", "u32", "u64":
		return float64(u), nil
	case "i16":
		return float64(int16(u)), nil
	case "i32":
		return float64(int32(u)), nil
	case "f32":
		f := float64(math.Float32frombits(uint32(u)))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%w: f32 register holds %v", ErrBadAnswer, f)
		}
		return f, nil
	}
	return 0, fmt.Errorf("%w: unknown type %q", ErrConfig, typ)
}

// modbusTarget is a target's Modbus settings: the profile's, overridden by
// the params unit_id, byte_order and word_order.
type modbusTarget struct {
	unit                 uint8
	byteOrder, wordOrder string
}

func modbusParams(spec *ModbusSpec, params map[string]string) (modbusTarget, error) {
	mt := modbusTarget{unit: uint8(spec.UnitID), byteOrder: spec.ByteOrder, wordOrder: spec.WordOrder}
	if v := params["unit_id"]; v != "" {
		u, err := strconv.ParseUint(v, 10, 8)
		if err != nil {
			return mt, fmt.Errorf("%w: unit_id %q must be 0..255", ErrConfig, v)
		}
		mt.unit = uint8(u)
	}
	if v := params["byte_order"]; v != "" {
		if v != "big" && v != "little" {
			return mt, fmt.Errorf("%w: byte_order %q must be big or little", ErrConfig, v)
		}
		mt.byteOrder = v
	}
	if v := params["word_order"]; v != "" {
		if v != "high_first" && v != "low_first" {
			return mt, fmt.Errorf("%w: word_order %q must be high_first or low_first", ErrConfig, v)
		}
		mt.wordOrder = v
	}
	return mt, nil
}
