package spool

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Segment file format (little endian):
//
//	magic "SWSPOOL1"
//	record*: length uint32 | count uint32 | crc32c(count bytes + data) uint32 | data
//
// A segment is written by appends only, so damage (a crash mid-write, a bad disk)
// shows as a short record or a checksum that fails; everything before it is
// intact. remote_write spools of earlier versions used the same format and are
// read as they are.
const (
	magic      = "SWSPOOL1"
	magicLen   = int64(len(magic))
	headerSize = 12
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt marks a damaged segment.
var ErrCorrupt = errors.New("corrupt spool segment")

func recordCRC(countBytes, data []byte) uint32 {
	return crc32.Update(crc32.Checksum(countBytes, castagnoli), castagnoli, data)
}

// appendRecord appends the encoded record to dst.
func appendRecord(dst []byte, r Record) []byte {
	var h [headerSize]byte
	binary.LittleEndian.PutUint32(h[0:4], uint32(len(r.Data)))
	binary.LittleEndian.PutUint32(h[4:8], uint32(r.Count))
	binary.LittleEndian.PutUint32(h[8:12], recordCRC(h[4:8], r.Data))
	dst = append(dst, h[:]...)
	return append(dst, r.Data...)
}

// reader decodes the records of one segment from a stream. off is the file
// offset just past the last good record: where a torn tail is cut.
type reader struct {
	r   *bufio.Reader
	max int // largest data length accepted: a bad length must not allocate gigabytes
	off int64
	buf []byte
}

func newReader(r io.Reader, maxRecord int, off int64) *reader {
	return &reader{r: bufio.NewReaderSize(r, 64<<10), max: maxRecord, off: off}
}

// readMagic checks the segment header.
func (rd *reader) readMagic() error {
	var m [len(magic)]byte
	if _, err := io.ReadFull(rd.r, m[:]); err != nil || string(m[:]) != magic {
		return fmt.Errorf("bad magic: %w", ErrCorrupt)
	}
	rd.off = magicLen
	return nil
}

// next returns the next record; its Data is valid until the following call. It
// returns io.EOF at a clean end and an error wrapping ErrCorrupt on damage.
func (rd *reader) next() (Record, error) {
	var h [headerSize]byte
	if n, err := io.ReadFull(rd.r, h[:]); err != nil {
		if n == 0 && err == io.EOF {
			return Record{}, io.EOF
		}
		return Record{}, fmt.Errorf("record at offset %d: short header: %w", rd.off, ErrCorrupt)
	}
	size := binary.LittleEndian.Uint32(h[0:4])
	if size == 0 || uint64(size) > uint64(rd.max) {
		return Record{}, fmt.Errorf("record at offset %d: bad length %d: %w", rd.off, size, ErrCorrupt)
	}
	if cap(rd.buf) < int(size) {
		rd.buf = make([]byte, size)
	}
	data := rd.buf[:size]
	if _, err := io.ReadFull(rd.r, data); err != nil {
		return Record{}, fmt.Errorf("record at offset %d: short data: %w", rd.off, ErrCorrupt)
	}
	if recordCRC(h[4:8], data) != binary.LittleEndian.Uint32(h[8:12]) {
		return Record{}, fmt.Errorf("record at offset %d: checksum mismatch: %w", rd.off, ErrCorrupt)
	}
	rd.off += headerSize + int64(size)
	return Record{Count: int(binary.LittleEndian.Uint32(h[4:8])), Data: data}, nil
}

// parse decodes a whole segment file. On damage it returns the records before it
// and an error wrapping ErrCorrupt. The fuzz target drives the reader through it.
func parse(b []byte, maxRecord int) ([]Record, error) {
	rd := newReader(bytes.NewReader(b), maxRecord, 0)
	if err := rd.readMagic(); err != nil {
		return nil, err
	}
	var recs []Record
	for {
		r, err := rd.next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, Record{Count: r.Count, Data: bytes.Clone(r.Data)})
	}
}
