package logstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// shanghai is Asia/Shanghai. China has kept no daylight saving time since 1991, so a
// fixed +08:00 zone is exact and needs no tzdata on the host.
var shanghai = time.FixedZone("CST", 8*3600)

const (
	dayLayout   = "2006-01-02"
	eventsFile  = "events.log"
	streamsFile = "streams.log"
	// maxStreamGap bounds how many label sets a crash can lose between two intact
	// index records; a larger jump is corruption, not a gap.
	maxStreamGap = 1 << 16
)

// dayOf names the Asia/Shanghai calendar day of t, which is its partition directory.
func dayOf(t time.Time) string { return t.In(shanghai).Format(dayLayout) }

// parseDay returns the start of a partition's day; ok is false for foreign names.
func parseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(dayLayout, s, shanghai)
	return t, err == nil && t.Format(dayLayout) == s
}

// partition is one day open for appending. Its streams.log gives every distinct
// label set of the day a small id (the per-day label index); events.log holds
// (time, stream id, text) records, so a query matches label sets once per day and
// skips non-matching events without decoding their labels.
type partition struct {
	dir              string
	events, streamsF *os.File
	streams          [][]labelPair // index is the stream id
	ids              map[string]uint32
	size             int64 // committed length of events.log: readers stop here
	ssize            int64 // committed length of streams.log
	buf, sbuf, tmp   []byte
	index            chunkIndex // time index of events.log, committed records only
	batch            []recMeta  // the batch being written, for the index
}

// pending is a validated event ready to be written.
type pending struct {
	ts     int64
	ls     []labelPair // all labels, sorted (the Loki push sends them all)
	stream []labelPair // ls without the fields: the day's label index
	fields []labelPair // kept with the event (fieldNames)
	key    string      // labelKey(stream)
	text   string
}

func openPartition(dir string) (*partition, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create partition: %w", err)
	}
	p := &partition{dir: dir, ids: map[string]uint32{}}
	// A late event for a compressed day: the new label sets continue the day
	// file's ids, so the day reads as one stream of records.
	base, baseRef, err := compressedStreams(dir)
	if err != nil {
		return nil, err
	}
	streams, sSize, err := loadStreams(filepath.Join(dir, streamsFile), base)
	if err != nil {
		return nil, err
	}
	evPath := filepath.Join(dir, eventsFile)
	size, maxRef, err := scanValid(evPath, &p.index)
	if err != nil {
		return nil, err
	}
	// Events may point past a torn index; new label sets must not reuse those ids,
	// or a lost stream's events would surface under a stranger's labels.
	maxRef = min(max(maxRef, baseRef), int64(len(streams))+maxStreamGap) // only our writer makes CRC-valid ids
	for int64(len(streams)) <= maxRef {
		streams = append(streams, nil)
	}
	p.streams, p.ssize, p.size = streams, sSize, size
	for i, ls := range streams {
		if ls != nil {
			p.ids[labelKey(ls)] = uint32(i)
		}
	}
	if p.streamsF, err = openRepaired(filepath.Join(dir, streamsFile), sSize); err != nil {
		return nil, err
	}
	if p.events, err = openRepaired(evPath, p.size); err != nil {
		p.streamsF.Close()
		return nil, err
	}
	return p, nil
}

// compressedStreams returns the label sets of the day's compressed part and the
// highest stream id its events name (nil, -1 without one).
func compressedStreams(dir string) ([][]labelPair, int64, error) {
	z, err := openSWZ(filepath.Join(dir, swzName))
	if err != nil || z == nil {
		return nil, -1, err
	}
	defer z.close()
	streams, err := z.streamsOf()
	if err != nil {
		return nil, -1, fmt.Errorf("read the day's compressed label index: %w", err)
	}
	return streams, z.maxRef(), nil
}

// loadStreams reads a day's label index up to its first torn record, after base
// (the compressed part's label sets).
func loadStreams(path string, base [][]labelPair) ([][]labelPair, int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return base, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("open stream index: %w", err)
	}
	defer f.Close()
	return loadStreamsFrom(f, base)
}

// loadStreamsFrom reads stream records after base and returns the label sets and
// the length of the intact prefix read. A record read fails only on I/O.
func loadStreamsFrom(r io.Reader, base [][]labelPair) ([][]labelPair, int64, error) {
	rr := newRecordReader(r)
	streams := base[:len(base):len(base)] // never write into the caller's array
	for {
		off := rr.Off
		p, err := rr.Next()
		if err == io.EOF {
			return streams, off, nil
		}
		id, ls, derr := decodeStream(p)
		if err != nil || derr != nil || id < uint32(len(streams)) || id > uint32(len(streams))+maxStreamGap {
			tornRecords.Inc()
			return streams, off, nil
		}
		for uint32(len(streams)) < id { // ids of label sets lost to an earlier crash
			streams = append(streams, nil)
		}
		streams = append(streams, ls)
	}
}

// scanValid returns the length of the intact prefix of an events file and the
// highest stream id it references (-1 for none), and indexes that prefix.
func scanValid(path string, ix *chunkIndex) (int64, int64, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, -1, nil
	}
	if err != nil {
		return 0, -1, fmt.Errorf("open events: %w", err)
	}
	defer f.Close()
	rr := newRecordReader(f)
	maxRef := int64(-1)
	for {
		off := rr.Off
		p, err := rr.Next()
		if err != nil {
			return rr.Off, maxRef, nil
		}
		ts, id, _, _, derr := decodeEvent(p)
		if derr == nil {
			maxRef = max(maxRef, int64(id))
		}
		ix.add(off, recHeader+int64(len(p)), ts)
	}
}

// openRepaired opens path for appending after cutting a torn tail at size, so new
// records never follow garbage that would hide them from readers.
func openRepaired(path string, size int64) (*os.File, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > size {
		tornRecords.Inc()
		if err := os.Truncate(path, size); err != nil {
			return nil, fmt.Errorf("cut torn tail of %s: %w", filepath.Base(path), err)
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	return f, nil
}

// append writes events and fsyncs: first the new label sets, then the events, so a
// durable event never points at a stream id that was lost.
func (p *partition) append(evs []pending) (int64, error) {
	p.buf, p.sbuf, p.batch = p.buf[:0], p.sbuf[:0], p.batch[:0]
	oldStreams := len(p.streams)
	for _, e := range evs {
		id, ok := p.ids[e.key]
		if !ok {
			id = uint32(len(p.streams))
			p.streams = append(p.streams, e.stream)
			p.ids[e.key] = id
			p.tmp = encodeStream(p.tmp[:0], id, e.stream)
			p.sbuf = appendRecord(p.sbuf, p.tmp)
		}
		p.tmp = encodeEvent(p.tmp[:0], e.ts, id, e.fields, e.text)
		p.buf = appendRecord(p.buf, p.tmp)
		p.batch = append(p.batch, recMeta{ts: e.ts, size: recHeader + int64(len(p.tmp))})
	}
	if err := p.writeStreams(); err != nil {
		p.forgetStreams(oldStreams)
		return 0, err
	}
	if err := writeSync(p.events, p.buf); err != nil {
		_ = p.events.Truncate(p.size) // keep the file free of a half-written batch
		return 0, fmt.Errorf("write events: %w", err)
	}
	for _, m := range p.batch {
		p.index.add(p.size, m.size, m.ts)
		p.size += m.size
	}
	return int64(len(p.buf) + len(p.sbuf)), nil
}

func (p *partition) writeStreams() error {
	if len(p.sbuf) == 0 {
		return nil
	}
	if err := writeSync(p.streamsF, p.sbuf); err != nil {
		_ = p.streamsF.Truncate(p.ssize)
		return fmt.Errorf("write stream index: %w", err)
	}
	p.ssize += int64(len(p.sbuf))
	return nil
}

// forgetStreams drops label sets that never reached the disk.
func (p *partition) forgetStreams(n int) {
	for _, ls := range p.streams[n:] {
		delete(p.ids, labelKey(ls))
	}
	p.streams = p.streams[:n]
}

func writeSync(f *os.File, b []byte) error {
	if _, err := f.Write(b); err != nil {
		return err
	}
	return f.Sync()
}

func (p *partition) close() error {
	return errors.Join(p.events.Close(), p.streamsF.Close())
}
