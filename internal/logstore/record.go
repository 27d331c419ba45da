package logstore

import (
	"bufio"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// On-disk framing of the day partitions (the Loki spool has its own, in
// internal/spool). Every record is
//
//	uint32 LE payload length | uint32 LE CRC-32C of the payload | payload
//
// so a record cut short by a crash (or any flipped byte) fails its length or CRC
// check and the reader stops there instead of decoding garbage.
const (
	recHeader = 8
	maxRecord = 1 << 20 // a corrupt length must never make the reader allocate gigabytes
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errTorn marks a record that is incomplete or fails its checksum.
var errTorn = errors.New("torn or corrupt record")

// appendRecord frames payload and appends it to dst.
func appendRecord(dst, payload []byte) []byte {
	var h [recHeader]byte
	binary.LittleEndian.PutUint32(h[:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(h[4:], crc32.Checksum(payload, crcTable))
	dst = append(dst, h[:]...)
	return append(dst, payload...)
}

// recordReader reads framed records from a stream. Off is the offset just past the
// last good record, which is where a writer truncates a torn tail.
type recordReader struct {
	r   *bufio.Reader
	buf []byte
	Off int64
}

func newRecordReader(r io.Reader) *recordReader {
	return &recordReader{r: bufio.NewReaderSize(r, 256<<10)}
}

// Next returns the next payload, valid until the following call. It returns io.EOF
// at a clean end and errTorn for an incomplete or corrupt record.
func (rr *recordReader) Next() ([]byte, error) {
	var h [recHeader]byte
	if _, err := io.ReadFull(rr.r, h[:]); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, errTorn
	}
	size := binary.LittleEndian.Uint32(h[:4])
	if size > maxRecord {
		return nil, errTorn
	}
	if cap(rr.buf) < int(size) {
		rr.buf = make([]byte, size)
	}
	p := rr.buf[:size]
	if _, err := io.ReadFull(rr.r, p); err != nil {
		return nil, errTorn
	}
	if crc32.Checksum(p, crcTable) != binary.LittleEndian.Uint32(h[4:]) {
		return nil, errTorn
	}
	rr.Off += recHeader + int64(size)
	return p, nil
}

// decoder walks a payload; the first error sticks so callers check once at the end.
type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("short payload")

func (d *decoder) uvarint() uint64 { return readVarint(d, binary.Uvarint) }

func (d *decoder) varint() int64 { return readVarint(d, binary.Varint) }

// readVarint decodes one varint with read (binary.Uvarint or binary.Varint).
func readVarint[T uint64 | int64](d *decoder, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
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

func appendBytes(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// appendLabels encodes a sorted label set: count, then name/value pairs.
func appendLabels(dst []byte, ls []labelPair) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ls)))
	for _, l := range ls {
		dst = appendBytes(dst, l.Name)
		dst = appendBytes(dst, l.Value)
	}
	return dst
}

func (d *decoder) labels() []labelPair {
	n := d.uvarint()
	if d.err == nil && n > maxLabels {
		d.err = errors.New("too many labels")
	}
	if d.err != nil {
		return nil
	}
	ls := make([]labelPair, 0, n)
	for range n {
		name, value := d.bytes(), d.bytes()
		if d.err != nil {
			return nil
		}
		ls = append(ls, labelPair{Name: string(name), Value: string(value)})
	}
	return ls
}
