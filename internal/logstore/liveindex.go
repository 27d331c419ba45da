package logstore

import (
	"cmp"
	"io"
	"slices"
)

// chunkIndex is the current day's time index, in memory: events.log cut at record
// boundaries into chunks of about blockRaw bytes, each with its time range, the
// same as a compressed day's blocks. The newest page or the last hour of today
// then reads a chunk or two instead of the whole day, which at the reference
// estate's rate holds up to 235 million events by midnight. It is rebuilt from the
// file when the day is reopened.
type chunkIndex struct{ chunks []block }

// recMeta is what the index needs of a record being written.
type recMeta struct{ ts, size int64 }

// add indexes the record of size bytes at off (the file's end).
func (ix *chunkIndex) add(off, size, ts int64) {
	n := len(ix.chunks)
	if n == 0 || ix.chunks[n-1].rawLen >= int64(blockRaw) {
		ix.chunks = append(ix.chunks, block{rawOff: off, minTs: ts, maxTs: ts, maxRef: -1})
		n++
	}
	c := &ix.chunks[n-1]
	c.rawLen += size
	c.minTs, c.maxTs = min(c.minTs, ts), max(c.maxTs, ts)
	c.count++
}

// scanBlocks reads the blocks (of a day file, or chunks of today's file) that can
// hold events in range, those nearest the query's start first, and skips the rest
// once the page is full and a block's times cannot beat its last event.
func scanBlocks(c *compiled, bs []block, top *topHits, read func(block) error) error {
	bs = slices.Clone(bs)
	if c.Direction == Backward {
		slices.SortStableFunc(bs, func(a, b block) int { return cmp.Compare(b.maxTs, a.maxTs) })
	} else {
		slices.SortStableFunc(bs, func(a, b block) int { return cmp.Compare(a.minTs, b.minTs) })
	}
	for _, b := range bs {
		if b.maxTs < c.lo || b.minTs > c.hi || top.beyond(b) {
			blocksSkipped.Inc()
			continue
		}
		if err := read(b); err != nil {
			return err
		}
		if len(top.hs) >= top.limit {
			top.cut()
		}
	}
	return nil
}

// scanLive reads today's events file by its chunk index, or whole for a day no
// longer open for writing (compacted within minutes).
func scanLive(c *compiled, snap *daySnapshot, sc *scanner, top *topHits, visit func(position, uint32, []byte, []byte)) error {
	if snap.live == nil {
		return nil
	}
	if snap.limit < 0 {
		return sc.read(snap.live, snap.liveBase, visit)
	}
	return scanBlocks(c, snap.chunks, top, func(b block) error {
		return sc.read(io.NewSectionReader(snap.live, b.rawOff, b.rawLen), snap.liveBase+b.rawOff, visit)
	})
}
