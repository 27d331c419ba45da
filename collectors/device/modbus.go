package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/simonvetter/modbus"
)

// Bounds of one Modbus read request (the protocol's).
const (
	maxRegistersPerRead = 125
	maxBitsPerRead      = 2000
	defaultModbusPort   = "502"
)

// modbusRun is one read request: contiguous values of one function.
type modbusRun struct {
	function     string
	start, count int   // first address and registers (or bits)
	regs         []int // indexes into the register map
}

// planModbus groups the register map into as few reads as the protocol
// allows. Only contiguous or overlapping values share a read: a gap may be
// an address the device does not have, which fails the whole read.
func planModbus(spec *ModbusSpec) []modbusRun {
	idx := make([]int, len(spec.Registers))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		ra, rb := spec.Registers[a], spec.Registers[b]
		if ra.Function != rb.Function {
			return cmpString(ra.Function, rb.Function)
		}
		return ra.Address - rb.Address
	})
	var runs []modbusRun
	for _, i := range idx {
		reg := spec.Registers[i]
		end := reg.Address + registerWords(reg.Type)
		limit := maxRegistersPerRead
		if reg.Type == "bool" {
			limit = maxBitsPerRead
		}
		if n := len(runs); n > 0 {
			last := &runs[n-1]
			if last.function == reg.Function && reg.Address <= last.start+last.count && end-last.start <= limit {
				last.count = max(last.count, end-last.start)
				last.regs = append(last.regs, i)
				continue
			}
		}
		runs = append(runs, modbusRun{function: reg.Function, start: reg.Address, count: end - reg.Address, regs: []int{i}})
	}
	return runs
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// modbusResult is what one device round read: values by register id, and
// the Modbus exception of each register whose read the device refused.
type modbusResult struct {
	values  map[string]float64
	refused map[string]error
	err     error // the round could not go on (connection, timeout)
}

// collectModbus reads the register map. The library has no context: the
// reads run in a goroutine whose every request times out by the round's
// deadline at the latest, and the round returns at its deadline even while
// a connect (bounded by the library at 5 s) is still under way.
func (r *round) collectModbus(ctx context.Context) error {
	mt, err := modbusParams(r.p.Modbus, r.t.Params)
	if err != nil {
		return err
	}
	spec, err := resolveRegisters(r.p.Modbus, r.t.Params)
	if err != nil {
		return err
	}
	addr, err := hostPort(r.t.Address, defaultModbusPort)
	if err != nil {
		return err
	}
	timeout := r.c.cfg.RequestTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = max(min(timeout, time.Until(dl)), 10*time.Millisecond)
	}
	done := make(chan modbusResult, 1)
	go func() { done <- readModbus(ctx, addr, mt, spec, timeout) }()
	var res modbusResult
	select {
	case res = <-done:
	case <-ctx.Done():
		return fmt.Errorf("%w: modbus %s: round deadline reached", ErrTimeout, addr)
	}
	if res.err != nil {
		return res.err
	}
	var errs []error
	refused := map[error][]string{} // one message per refused read, naming its metrics
	var order []error
	for i := range r.p.Metrics {
		m := &r.p.Metrics[i]
		v, ok := res.values[m.Register]
		switch {
		case m.Param != "":
			errs = append(errs, r.putParam(m))
		case ok:
			errs = append(errs, r.put(m, numRaw(v), nil))
		case m.Optional:
		default:
			e := res.refused[m.Register]
			if refused[e] == nil {
				order = append(order, e)
			}
			refused[e] = append(refused[e], m.Name)
		}
	}
	for _, e := range order {
		errs = append(errs, fmt.Errorf("%s: %w", strings.Join(slices.Compact(refused[e]), ", "), e))
	}
	return joinErrs(errs)
}

// readModbus opens one connection, sends the planned reads and decodes them.
func readModbus(ctx context.Context, addr string, mt modbusTarget, spec *ModbusSpec, timeout time.Duration) modbusResult {
	res := modbusResult{values: map[string]float64{}, refused: map[string]error{}}
	client, err := modbus.NewClient(&modbus.ClientConfiguration{URL: "tcp://" + addr, Timeout: timeout,
		Logger: log.New(io.Discard, "", 0)}) // the library logs to stdout otherwise
	if err != nil {
		res.err = fmt.Errorf("%w: modbus %s: %v", ErrAddress, addr, err)
		return res
	}
	if err := client.Open(); err != nil {
		res.err = netError(ctx, err)
		return res
	}
	defer client.Close()
	if err := client.SetUnitId(mt.unit); err != nil {
		res.err = fmt.Errorf("%w: unit_id %d: %v", ErrConfig, mt.unit, err)
		return res
	}
	for _, run := range planModbus(spec) {
		if ctx.Err() != nil {
			res.err = fmt.Errorf("%w: modbus %s: round deadline reached", ErrTimeout, addr)
			return res
		}
		mRequests.Inc()
		if err := readRun(client, run, spec, mt, res); err != nil {
			if !isException(err) {
				res.err = modbusError(ctx, addr, mt.unit, run, err)
				return res
			}
			refusal := modbusError(ctx, addr, mt.unit, run, err)
			for _, i := range run.regs {
				res.refused[spec.Registers[i].ID] = refusal
			}
		}
	}
	return res
}

// readRun sends one read and decodes every value in it.
func readRun(client *modbus.ModbusClient, run modbusRun, spec *ModbusSpec, mt modbusTarget, res modbusResult) error {
	if run.function == "coil" || run.function == "discrete" {
		var bits []bool
		var err error
		if run.function == "coil" {
			bits, err = client.ReadCoils(uint16(run.start), uint16(run.count))
		} else {
			bits, err = client.ReadDiscreteInputs(uint16(run.start), uint16(run.count))
		}
		if err != nil {
			return err
		}
		for _, i := range run.regs {
			reg := spec.Registers[i]
			res.values[reg.ID] = boolFloat(bits[reg.Address-run.start]) * reg.Scale
		}
		return nil
	}
	kind := modbus.HOLDING_REGISTER
	if run.function == "input" {
		kind = modbus.INPUT_REGISTER
	}
	wire, err := client.ReadRawBytes(uint16(run.start), uint16(2*run.count), kind)
	if err != nil {
		return err
	}
	for _, i := range run.regs {
		reg := spec.Registers[i]
		bo, wo := orderOf(reg, mt)
		off := 2 * (reg.Address - run.start)
		v, err := decodeRegisters(wire[off:off+2*registerWords(reg.Type)], reg.Type, bo, wo)
		if err != nil {
			return err
		}
		res.values[reg.ID] = v * reg.Scale
	}
	return nil
}

// orderOf is a register's byte and word order: its own, else the device's.
func orderOf(reg ModbusRegister, mt modbusTarget) (string, string) {
	bo, wo := mt.byteOrder, mt.wordOrder
	if reg.ByteOrder != "" {
		bo = reg.ByteOrder
	}
	if reg.WordOrder != "" {
		wo = reg.WordOrder
	}
	return bo, wo
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// modbusExceptions are the library's errors for a device's exception answer.
var modbusExceptions = []error{modbus.ErrIllegalFunction, modbus.ErrIllegalDataAddress, modbus.ErrIllegalDataValue,
	modbus.ErrServerDeviceFailure, modbus.ErrAcknowledge, modbus.ErrServerDeviceBusy, modbus.ErrMemoryParityError,
	modbus.ErrGWPathUnavailable, modbus.ErrGWTargetFailedToRespond}

func isException(err error) bool {
	return slices.ContainsFunc(modbusExceptions, func(e error) bool { return errors.Is(err, e) })
}

// modbusError names a failed read for the operator.
func modbusError(ctx context.Context, addr string, unit uint8, run modbusRun, err error) error {
	what := fmt.Sprintf("modbus %s unit %d %s %d+%d", addr, unit, run.function, run.start, run.count)
	switch {
	case errors.Is(err, modbus.ErrRequestTimedOut):
		return fmt.Errorf("%w: %s: no answer", ErrTimeout, what)
	case errors.Is(err, modbus.ErrIllegalDataAddress):
		return fmt.Errorf("%w: %s: exception 02 illegal data address (not in this device's map: wrong profile or unit_id?)", ErrDevice, what)
	case errors.Is(err, modbus.ErrGWTargetFailedToRespond), errors.Is(err, modbus.ErrGWPathUnavailable):
		return fmt.Errorf("%w: %s: the gateway has no answer from unit %d: %v", ErrDevice, what, unit, err)
	case isException(err):
		return fmt.Errorf("%w: %s: exception: %v", ErrDevice, what, err)
	case errors.Is(err, modbus.ErrProtocolError):
		return fmt.Errorf("%w: %s: the answer is not the registers asked for (its length or function differs: "+
			"a gateway mixing answers, or a device without this map): %v", ErrBadAnswer, what, err)
	case errors.Is(err, modbus.ErrBadUnitId),
		errors.Is(err, modbus.ErrBadTransactionId), errors.Is(err, modbus.ErrUnknownProtocolId),
		errors.Is(err, modbus.ErrShortFrame):
		return fmt.Errorf("%w: %s: %v", ErrBadAnswer, what, err)
	}
	return fmt.Errorf("%s: %w", what, netError(ctx, err))
}

// hostPort checks a host[:port] address and fills the default port.
func hostPort(addr, port string) (string, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		host, p = addr, port
	}
	if host == "" || p == "" {
		return "", fmt.Errorf("%w: address %q must be host or host:port", ErrAddress, addr)
	}
	return net.JoinHostPort(host, p), nil
}
