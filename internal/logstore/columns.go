package logstore

import (
	"encoding/binary"
	"errors"
)

// An event block of a day file holds its records by columns rather than framed as
// in events.log: times as deltas, stream ids, record lengths, fields and texts
// each together. zstd compresses that far better (a firewall's times and ids are
// nearly constant deltas; the per-record CRC, random bytes, is dropped since the
// zstd frame carries its own checksum). The record lengths keep each event's place
// in the day's record stream, which cursors name, exactly as before compaction.
//
//	uvarint count | 6 × (uvarint length | column)
//	columns: ts deltas (varint), stream ids (uvarint), record lengths (uvarint),
//	         fields (uvarint length | bytes), text lengths (uvarint), texts
type colWriter struct {
	n      int
	lastTs int64
	cols   [6][]byte
}

const (
	colTs = iota
	colID
	colLen
	colFields
	colTextLen
	colText
)

func (w *colWriter) add(recLen int, ts int64, id uint32, fields, text []byte) {
	w.cols[colTs] = binary.AppendVarint(w.cols[colTs], ts-w.lastTs)
	w.lastTs = ts
	w.cols[colID] = binary.AppendUvarint(w.cols[colID], uint64(id))
	w.cols[colLen] = binary.AppendUvarint(w.cols[colLen], uint64(recLen))
	w.cols[colFields] = binary.AppendUvarint(w.cols[colFields], uint64(len(fields)))
	w.cols[colFields] = append(w.cols[colFields], fields...)
	w.cols[colTextLen] = binary.AppendUvarint(w.cols[colTextLen], uint64(len(text)))
	w.cols[colText] = append(w.cols[colText], text...)
	w.n++
}

func (w *colWriter) encode(dst []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(w.n))
	for _, c := range w.cols {
		dst = binary.AppendUvarint(dst, uint64(len(c)))
		dst = append(dst, c...)
	}
	return dst
}

func (w *colWriter) reset() {
	w.n, w.lastTs = 0, 0
	for i := range w.cols {
		w.cols[i] = w.cols[i][:0]
	}
}

var errColumns = errors.New("malformed event block")

// eachColumnar calls fn for every record of an event block with its place in the
// day's record stream; step is called before each record (budget and deadline)
// and stops the walk with its error.
func eachColumnar(raw []byte, base int64, step func() error, fn func(p position, id uint32, fields, text []byte)) error {
	d := decoder{b: raw}
	n := d.uvarint()
	var cols [6]decoder
	for i := range cols {
		cols[i] = decoder{b: d.bytes()}
	}
	if d.err != nil || n > uint64(len(raw)) {
		return errColumns
	}
	ts, off := int64(0), base
	for range n {
		if err := step(); err != nil {
			return err
		}
		ts += cols[colTs].varint()
		id := cols[colID].uvarint()
		recLen := cols[colLen].uvarint()
		fields := cols[colFields].bytes()
		text := cols[colText].take(cols[colTextLen].uvarint())
		for i := range cols {
			if cols[i].err != nil {
				return errColumns
			}
		}
		if id > 1<<31 || recLen > maxRecord {
			return errColumns
		}
		fn(position{ts, off}, uint32(id), fields, text)
		off += recHeader + int64(recLen)
	}
	return nil
}

// take returns the next n bytes.
func (d *decoder) take(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = errShort
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}
