package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Spool segment file format (little endian):
//
//	magic "SWSPOOL1"
//	record*: length uint32 | samples uint32 | crc32c(samples bytes + data) uint32 | data
//
// data is one remote-write request exactly as sent: snappy-compressed prompb
// WriteRequest. A segment is written by appends only, so damage (a crash mid-write,
// a bad disk) is found by the checksum or a short record; everything before it is
// still sent, the rest of that segment is skipped and counted.
const (
	segMagic      = "SWSPOOL1"
	recHeaderSize = 12
	// maxRecordSize bounds one record: a batch is at most maxBatchSize samples.
	maxRecordSize = 64 << 20
	// maxSegmentFile bounds the read of one segment file (a segment holds at least
	// one record, and more only while it is under the configured segment size).
	maxSegmentFile = 2 * maxRecordSize
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt marks a damaged segment file.
var errCorrupt = errors.New("corrupt spool segment")

// record is one remote-write request and how many samples it carries.
type record struct {
	samples int
	data    []byte
}

func recordCRC(hdr []byte, data []byte) uint32 {
	return crc32.Update(crc32.Checksum(hdr, castagnoli), castagnoli, data)
}

// appendRecord appends the encoded record to dst.
func appendRecord(dst []byte, r record) []byte {
	var hdr [recHeaderSize]byte
	binary.LittleEndian.PutUint32(hdr[0:4], uint32(len(r.data)))
	binary.LittleEndian.PutUint32(hdr[4:8], uint32(r.samples))
	binary.LittleEndian.PutUint32(hdr[8:12], recordCRC(hdr[4:8], r.data))
	dst = append(dst, hdr[:]...)
	return append(dst, r.data...)
}

// parseSegment decodes a whole segment file. On damage it returns the records
// before it and an error wrapping errCorrupt that names the offset. The records
// alias b.
func parseSegment(b []byte) ([]record, error) {
	if len(b) < len(segMagic) || string(b[:len(segMagic)]) != segMagic {
		return nil, fmt.Errorf("bad magic: %w", errCorrupt)
	}
	var recs []record
	for off := len(segMagic); off < len(b); {
		r, n, err := parseRecord(b[off:])
		if err != nil {
			return recs, fmt.Errorf("record at offset %d: %w", off, err)
		}
		recs = append(recs, r)
		off += n
	}
	return recs, nil
}

func parseRecord(b []byte) (record, int, error) {
	if len(b) < recHeaderSize {
		return record{}, 0, fmt.Errorf("short header (%d bytes): %w", len(b), errCorrupt)
	}
	size := binary.LittleEndian.Uint32(b[0:4])
	if size == 0 || size > maxRecordSize || int(size) > len(b)-recHeaderSize {
		return record{}, 0, fmt.Errorf("bad length %d of %d left: %w", size, len(b)-recHeaderSize, errCorrupt)
	}
	data := b[recHeaderSize : recHeaderSize+int(size)]
	if recordCRC(b[4:8], data) != binary.LittleEndian.Uint32(b[8:12]) {
		return record{}, 0, fmt.Errorf("checksum mismatch: %w", errCorrupt)
	}
	samples := binary.LittleEndian.Uint32(b[4:8])
	if samples > maxBatchSize {
		return record{}, 0, fmt.Errorf("sample count %d over %d: %w", samples, maxBatchSize, errCorrupt)
	}
	return record{samples: int(samples), data: data}, recHeaderSize + int(size), nil
}

// segmentName is the file name of segment id; ids sort as names.
func segmentName(id uint64) string { return fmt.Sprintf("%020d.seg", id) }
