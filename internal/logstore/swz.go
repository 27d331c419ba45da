package logstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"
)

// A closed day is one file, day.swz, written once by compaction:
//
//	magic | stream blocks | event blocks | index | footer
//
// Each block is an independent zstd frame of about blockRaw bytes of the day's
// records: stream blocks hold streams.log's framed records as they were, event
// blocks hold events.log's records by columns (columns.go). Every record keeps its
// place in the day's record stream (its offset in events.log), so a cursor names
// the same event before and after compaction. The index lists every block with its
// place in that stream and, for event blocks, the lowest and highest event time,
// so a query for part of a day decompresses only the blocks that can hold its
// events. The footer (index offset, length, CRC-32C, magic) is written last, and
// the file is fsynced before compaction swaps it in (compact.go).
const (
	swzName   = "day.swz"
	swzMagic  = "SWLOGZ01"
	footerLen = 8 + 4 + 4 + len(swzMagic)
	// maxBlockRaw bounds what a corrupt index can make a reader allocate.
	maxBlockRaw = 4 << 20
)

// blockRaw is the uncompressed size of a block: large enough for zstd to find the
// repetition of syslog lines, small enough that a query for an hour of a day
// decompresses little more than that hour. A variable for tests.
var blockRaw = 1 << 20

var (
	zenc, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedBetterCompression))
	zdec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(maxBlockRaw))
)

// block is one zstd frame of a day file.
type block struct {
	off, clen      int64 // compressed bytes in the file
	rawOff, rawLen int64 // uncompressed place in the day's record stream
	minTs, maxTs   int64 // event blocks only
	count          int64 // records in the block
	maxRef         int64 // highest stream id an event of the block names (-1: none)
}

type dayIndex struct {
	streams, events []block
}

// rawEnd is where the next record of a section would start.
func rawEnd(bs []block) int64 {
	if len(bs) == 0 {
		return 0
	}
	b := bs[len(bs)-1]
	return b.rawOff + b.rawLen
}

func encodeIndex(ix dayIndex) []byte {
	var p []byte
	for _, bs := range [][]block{ix.streams, ix.events} {
		p = binary.AppendUvarint(p, uint64(len(bs)))
		for _, b := range bs {
			for _, v := range []int64{b.off, b.clen, b.rawOff, b.rawLen, b.count} {
				p = binary.AppendUvarint(p, uint64(v))
			}
			for _, v := range []int64{b.minTs, b.maxTs, b.maxRef} {
				p = binary.AppendVarint(p, v)
			}
		}
	}
	return p
}

func decodeIndex(p []byte, fileSize int64) (dayIndex, error) {
	d := decoder{b: p}
	var ix dayIndex
	for _, dst := range []*[]block{&ix.streams, &ix.events} {
		n := d.uvarint()
		if d.err == nil && n > uint64(len(d.b)) { // every block takes bytes
			d.err = errShort
		}
		for range n {
			var b block
			for _, v := range []*int64{&b.off, &b.clen, &b.rawOff, &b.rawLen, &b.count} {
				*v = int64(min(d.uvarint(), 1<<62))
			}
			b.minTs, b.maxTs, b.maxRef = d.varint(), d.varint(), d.varint()
			if d.err == nil && (b.off < int64(len(swzMagic)) || b.clen > fileSize-b.off || b.rawLen > maxBlockRaw || b.rawOff != rawEnd(*dst)) {
				d.err = errors.New("block outside the file or out of order")
			}
			if d.err != nil {
				return dayIndex{}, d.err
			}
			*dst = append(*dst, b)
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("trailing bytes")
	}
	return ix, d.err
}

// swzWriter writes a day file. Its caller fsyncs and renames it (see compact.go).
type swzWriter struct {
	f   *os.File
	off int64
	ix  dayIndex
	buf []byte
}

func createSWZ(path string) (*swzWriter, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	w := &swzWriter{f: f}
	return w, w.write([]byte(swzMagic))
}

func (w *swzWriter) write(b []byte) error {
	n, err := w.f.Write(b)
	w.off += int64(n)
	return err
}

// addBlock compresses raw (framed stream records, or an event block's columns)
// and appends it to section; b.rawLen is the length of its records framed.
func (w *swzWriter) addBlock(section *[]block, raw []byte, b block) error {
	w.buf = zenc.EncodeAll(raw, w.buf[:0])
	b.off, b.clen, b.rawOff = w.off, int64(len(w.buf)), rawEnd(*section)
	*section = append(*section, b)
	err := w.write(w.buf)
	crashPoint("block written")
	return err
}

// copyBlock appends a block of another day file unchanged (no recompression).
func (w *swzWriter) copyBlock(section *[]block, src *swzFile, b block) error {
	buf := make([]byte, b.clen)
	if _, err := src.r.ReadAt(buf, b.off); err != nil {
		return fmt.Errorf("read block: %w", err)
	}
	b.off, b.rawOff = w.off, rawEnd(*section)
	*section = append(*section, b)
	return w.write(buf)
}

// finish writes the index and the footer, fsyncs and closes the file.
func (w *swzWriter) finish() error {
	p := encodeIndex(w.ix)
	var foot [footerLen]byte
	binary.LittleEndian.PutUint64(foot[:8], uint64(w.off))
	binary.LittleEndian.PutUint32(foot[8:12], uint32(len(p)))
	binary.LittleEndian.PutUint32(foot[12:16], crc32.Checksum(p, crcTable))
	copy(foot[16:], swzMagic)
	err := errors.Join(w.write(p), w.write(foot[:]))
	if err == nil {
		err = w.f.Sync()
	}
	return errors.Join(err, w.f.Close())
}

func (w *swzWriter) abort() { _ = w.f.Close(); _ = os.Remove(w.f.Name()) }

// swzFile is an open day file.
type swzFile struct {
	r  io.ReaderAt
	c  io.Closer
	ix dayIndex
}

// openSWZ opens a day file; (nil, nil) when the day has none.
func openSWZ(path string) (*swzFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	z, err := readSWZ(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return z, nil
}

// readSWZ checks a day file's footer and index.
func readSWZ(f io.ReaderAt, size int64) (*swzFile, error) {
	if size < int64(len(swzMagic)+footerLen) {
		return nil, errors.New("day file too short")
	}
	var foot [footerLen]byte
	if _, err := f.ReadAt(foot[:], size-int64(footerLen)); err != nil {
		return nil, err
	}
	ixOff, ixLen := int64(binary.LittleEndian.Uint64(foot[:8])), int64(binary.LittleEndian.Uint32(foot[8:12]))
	if string(foot[16:]) != swzMagic || ixOff < int64(len(swzMagic)) || ixOff+ixLen != size-int64(footerLen) {
		return nil, errors.New("day file footer is damaged")
	}
	p := make([]byte, ixLen)
	if _, err := f.ReadAt(p, ixOff); err != nil {
		return nil, err
	}
	if crc32.Checksum(p, crcTable) != binary.LittleEndian.Uint32(foot[12:16]) {
		return nil, errors.New("day file index fails its checksum")
	}
	ix, err := decodeIndex(p, ixOff)
	if err != nil {
		return nil, fmt.Errorf("day file index: %w", err)
	}
	z := &swzFile{r: f, ix: ix}
	if c, ok := f.(io.Closer); ok {
		z.c = c
	}
	return z, nil
}

func (z *swzFile) close() error {
	if z == nil || z.c == nil {
		return nil
	}
	return z.c.Close()
}

// readBlock returns a block's uncompressed content in dst's storage: framed
// records of rawLen bytes when exact (stream blocks), else an event block's columns.
func (z *swzFile) readBlock(b block, dst []byte, exact bool) ([]byte, error) {
	comp := make([]byte, b.clen)
	if _, err := z.r.ReadAt(comp, b.off); err != nil {
		return nil, fmt.Errorf("read block at %d: %w", b.off, err)
	}
	out, err := zdec.DecodeAll(comp, dst[:0])
	if err == nil && exact && int64(len(out)) != b.rawLen {
		err = fmt.Errorf("block at %d holds %d bytes, the index says %d", b.off, len(out), b.rawLen)
	}
	return out, err
}

// sectionReader reads a section's records as one stream, block after block.
func (z *swzFile) sectionReader(bs []block) io.Reader {
	return &sectionReader{z: z, bs: bs}
}

type sectionReader struct {
	z   *swzFile
	bs  []block
	cur bytes.Reader
	buf []byte
	err error
}

func (r *sectionReader) Read(p []byte) (int, error) {
	for r.cur.Len() == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if len(r.bs) == 0 {
			return 0, io.EOF
		}
		r.buf, r.err = r.z.readBlock(r.bs[0], r.buf, true)
		r.bs = r.bs[1:]
		if r.err != nil {
			return 0, r.err
		}
		r.cur.Reset(r.buf)
	}
	return r.cur.Read(p)
}
