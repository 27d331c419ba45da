package sla

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The formats of sla_months.payload. Version 1 (months frozen before v2)
// is the JSON of Month with all its days: reading it needs the whole month
// in memory, so it is only read, never written. Version 2 is gzip-compressed
// JSON lines: a header line (monthHeader) then one Day per line in canonical
// order; it is written and read one day at a time. The first byte tells
// them apart: '{' or gzip's magic 0x1f 0x8b.

// monthHeader is the first line of a v2 payload: the Month without its days.
type monthHeader struct {
	Month       string           `json:"month"`
	FrozenAt    time.Time        `json:"frozen_at"`
	InputSHA256 string           `json:"input_sha256"`
	Incidents   []IncidentRecord `json:"incidents,omitempty"`
}

// payloadWriter encodes a v2 payload while hashing the days. The days go
// into their own gzip member; the header, which needs the checksum of the
// days, is written last into a first member (gzip readers read concatenated
// members as one stream).
type payloadWriter struct {
	days bytes.Buffer
	gz   *gzip.Writer
	enc  *json.Encoder
	hash *monthHasher
	n    int
}

func newPayloadWriter() *payloadWriter {
	w := &payloadWriter{hash: newMonthHasher()}
	w.gz, _ = gzip.NewWriterLevel(&w.days, gzip.BestSpeed) // a valid level: no error
	w.enc = json.NewEncoder(w.gz)
	return w
}

// add appends the next day in canonical order.
func (w *payloadWriter) add(d Day) error {
	if err := w.hash.add(d); err != nil {
		return err
	}
	w.n++
	if err := w.enc.Encode(d); err != nil {
		return fmt.Errorf("encode payload: %w", err)
	}
	return nil
}

// finish returns the payload and the month's checksum, set in h.
func (w *payloadWriter) finish(h monthHeader) (payload []byte, sum string, err error) {
	if err := w.gz.Close(); err != nil {
		return nil, "", fmt.Errorf("compress payload: %w", err)
	}
	if h.InputSHA256, err = w.hash.sum(h.Incidents); err != nil {
		return nil, "", err
	}
	var out bytes.Buffer
	out.Grow(w.days.Len() + 4096)
	gz := gzip.NewWriter(&out)
	if err := json.NewEncoder(gz).Encode(h); err != nil {
		return nil, "", fmt.Errorf("encode payload header: %w", err)
	}
	if err := gz.Close(); err != nil {
		return nil, "", fmt.Errorf("compress payload: %w", err)
	}
	out.Write(w.days.Bytes())
	return out.Bytes(), h.InputSHA256, nil
}

// stored is a row of sla_months as read.
type stored struct {
	month    string
	payload  []byte
	frozenAt int64 // unix ms
	sum      string
}

// scan checks the payload against its row and its checksum while passing
// its days to fn in canonical order. fn's own error is returned as it is;
// any other is ErrCorrupt.
func (s stored) scan(ctx context.Context, fn func(Day) error) (monthHeader, error) {
	h, next, err := s.open()
	if err != nil {
		return monthHeader{}, err
	}
	hasher := newMonthHasher()
	if err := s.each(ctx, next, hasher, fn); err != nil {
		return monthHeader{}, err
	}
	if got, err := hasher.sum(h.Incidents); err != nil || got != s.sum {
		return monthHeader{}, corrupt(fmt.Errorf("%w: payload checksum", ErrCorrupt))
	}
	return h, nil
}

// open decodes the payload's header, checks it against the row, and
// returns it with the payload's days one at a time.
func (s stored) open() (monthHeader, func() (Day, error), error) {
	h, next, err := openPayload(s.payload)
	if err == nil && (h.Month != s.month || h.InputSHA256 != s.sum || h.FrozenAt.UnixMilli() != s.frozenAt) {
		err = errors.New("header does not match its row")
	}
	if err != nil {
		return monthHeader{}, nil, corrupt(fmt.Errorf("%w: payload: %w", ErrCorrupt, err))
	}
	return h, next, nil
}

// each hashes the days next returns, checking their month and order, and
// passes them to fn.
func (s stored) each(ctx context.Context, next func() (Day, error), hasher *monthHasher, fn func(Day) error) error {
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		d, err := next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err == nil && !strings.HasPrefix(d.Date, s.month+"-") {
			err = fmt.Errorf("day %.64q/%.64q/%.16q is not of the month", d.SLI, d.Entity, d.Date)
		}
		if err == nil {
			err = hasher.add(d)
		}
		if err != nil {
			return corrupt(fmt.Errorf("%w: payload day %d: %w", ErrCorrupt, n, err))
		}
		if err := fn(d); err != nil {
			return err
		}
	}
}

// openPayload returns the header of a payload of either version and its
// days one at a time (io.EOF after the last).
func openPayload(payload []byte) (monthHeader, func() (Day, error), error) {
	if len(payload) >= 2 && payload[0] == 0x1f && payload[1] == 0x8b {
		return openV2(payload)
	}
	if len(payload) > 0 && payload[0] == '{' {
		return openV1(payload)
	}
	return monthHeader{}, nil, errors.New("unknown payload format")
}

func openV2(payload []byte) (monthHeader, func() (Day, error), error) {
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	if err != nil {
		return monthHeader{}, nil, fmt.Errorf("decompress: %w", err)
	}
	dec := json.NewDecoder(zr)
	var h monthHeader
	if err := dec.Decode(&h); err != nil {
		return monthHeader{}, nil, fmt.Errorf("decode header: %w", err)
	}
	next := func() (Day, error) {
		var d Day
		err := dec.Decode(&d)
		if err != nil && !errors.Is(err, io.EOF) {
			err = fmt.Errorf("decode: %w", err)
		}
		return d, err
	}
	return h, next, nil
}

// openV1 reads a legacy payload whole: those months predate streaming.
func openV1(payload []byte) (monthHeader, func() (Day, error), error) {
	var m Month
	if err := json.Unmarshal(payload, &m); err != nil {
		return monthHeader{}, nil, fmt.Errorf("decode: %w", err)
	}
	h := monthHeader{Month: m.Month, FrozenAt: m.FrozenAt, InputSHA256: m.InputSHA256, Incidents: m.Incidents}
	next := func() (Day, error) {
		if len(m.Days) == 0 {
			return Day{}, io.EOF
		}
		d := m.Days[0]
		m.Days = m.Days[1:]
		return d, nil
	}
	return h, next, nil
}
