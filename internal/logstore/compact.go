package logstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// compactQuiet is how long a closed day must go unwritten before it is compressed:
// late events for yesterday trickle in after midnight, and each one that arrives
// after compaction costs a rewrite of the day.
const compactQuiet = 10 * time.Minute

// Compaction builds the compressed day in a sibling directory "<day>.tmp", fsyncs
// it, then swaps directories: "<day>" → "<day>.old", "<day>.tmp" → "<day>", and
// removes "<day>.old". A crash at any step leaves either the old day intact or a
// complete new one, which Open (recoverDays) puts back in place; nothing is lost
// and nothing is counted twice.
const (
	tmpSuffix = ".tmp"
	oldSuffix = ".old"
)

// Compact compresses every closed day (before today in Asia/Shanghai) that still has
// uncompressed records and has not been written to for compactQuiet. The current
// day stays appendable; a late event for a compressed day goes to a new uncompressed
// tail that the next Compact merges in.
func (s *Store) Compact(ctx context.Context) error {
	s.maint.Lock()
	defer s.maint.Unlock()
	now := s.opts.Now()
	today := dayOf(now)
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return fmt.Errorf("list days: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if _, ok := parseDay(e.Name()); !ok || !e.IsDir() || e.Name() >= today {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !needsCompaction(filepath.Join(s.opts.Dir, e.Name()), now) {
			continue
		}
		if err := s.compactDay(e.Name()); err != nil {
			compactFailed.Inc()
			s.log.Error("log store day compaction failed; the day stays uncompressed and readable", "day", e.Name(), "err", err)
			errs = append(errs, err)
		}
	}
	s.updateDiskBytes()
	return errors.Join(errs...)
}

// needsCompaction: the day has uncompressed records, untouched for compactQuiet.
func needsCompaction(dir string, now time.Time) bool {
	found := false
	for _, name := range []string{eventsFile, streamsFile} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		if now.Sub(st.ModTime()) < compactQuiet {
			return false
		}
		found = true
	}
	return found
}

// liveSizes identifies the state of a day's uncompressed files: every append
// changes a size, so equal sizes before and after compaction mean nothing was
// written meanwhile.
func liveSizes(dir string) [2]int64 {
	var out [2]int64
	for i, name := range []string{eventsFile, streamsFile} {
		out[i] = -1
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil {
			out[i] = st.Size()
		}
	}
	return out
}

func (s *Store) compactDay(day string) error {
	dir := filepath.Join(s.opts.Dir, day)
	tmp, old := dir+tmpSuffix, dir+oldSuffix
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	s.mu.Lock()
	before := liveSizes(dir)
	s.mu.Unlock()
	if err := compactDir(dir, tmp); err != nil {
		_ = os.RemoveAll(tmp)
		return err
	}
	if err := s.swapLocked(day, dir, tmp, old, before); err != nil {
		if _, serr := os.Stat(dir); serr == nil { // else Open's recovery needs tmp
			_ = os.RemoveAll(tmp)
		}
		return err
	}
	daysCompacted.Inc()
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("remove the replaced day: %w", err)
	}
	return nil
}

// errDayChanged aborts a compaction that raced with an append; it is retried later.
var errDayChanged = errors.New("day was written during compaction; retried at the next pass")

func (s *Store) swapLocked(day, dir, tmp, old string, before [2]int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if liveSizes(dir) != before {
		return errDayChanged
	}
	if p, ok := s.parts[day]; ok {
		_ = p.close()
		delete(s.parts, day)
	}
	crashPoint("before swap")
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("swap day: %w", err)
	}
	crashPoint("between renames")
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fmt.Errorf("swap day: %w; the old day stays as %s and is put back at the next start: %w", err, filepath.Base(old), rerr)
		}
		return fmt.Errorf("swap day: %w", err)
	}
	crashPoint("after swap")
	return syncDir(s.opts.Dir)
}

// compactCrash, set by a test's child process, kills the process at a named step
// of compaction: the crash test then opens the store the child left behind.
var compactCrash func(step string)

func crashPoint(step string) {
	if compactCrash != nil {
		compactCrash(step)
	}
}

// compactDir writes dst/day.swz from the day in src: the blocks of its existing day
// file unchanged, then the intact records of its streams.log and events.log.
func compactDir(src, dst string) (err error) {
	old, err := openSWZ(filepath.Join(src, swzName))
	if err != nil {
		return err
	}
	defer old.close()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	w, err := createSWZ(filepath.Join(dst, swzName))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			w.abort()
		}
	}()
	var base [][]labelPair
	if old != nil {
		if base, err = old.streamsOf(); err != nil {
			return err
		}
		for _, b := range old.ix.streams {
			if err := w.copyBlock(&w.ix.streams, old, b); err != nil {
				return err
			}
		}
		for _, b := range old.ix.events {
			if err := w.copyBlock(&w.ix.events, old, b); err != nil {
				return err
			}
		}
	}
	if err := w.addLive(filepath.Join(src, streamsFile), filepath.Join(src, eventsFile), base); err != nil {
		return err
	}
	if err := w.finish(); err != nil {
		return err
	}
	return syncDir(dst)
}

// addLive appends the intact prefix of a day's uncompressed files.
func (w *swzWriter) addLive(streamsPath, eventsPath string, base [][]labelPair) error {
	sf, err := openIfExists(streamsPath)
	if err != nil {
		return err
	}
	if sf != nil {
		defer sf.Close()
		_, valid, err := loadStreamsFrom(sf, base)
		if err != nil {
			return err
		}
		if _, err := sf.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if err := w.addRecords(&w.ix.streams, io.LimitReader(sf, valid), false); err != nil {
			return err
		}
	}
	ef, err := openIfExists(eventsPath)
	if err != nil || ef == nil {
		return err
	}
	defer ef.Close()
	return w.addRecords(&w.ix.events, ef, true)
}

func openIfExists(path string) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return f, err
}

// addRecords cuts the intact records of r into blocks of about blockRaw bytes:
// stream records framed as they are, event records by columns (columns.go).
func (w *swzWriter) addRecords(section *[]block, r io.Reader, events bool) error {
	rr := newRecordReader(r)
	var raw []byte
	var cols colWriter
	fresh := func() block { return block{minTs: 1<<63 - 1, maxTs: -1 << 63, maxRef: -1} }
	b := fresh()
	flush := func() error {
		if b.count == 0 {
			return nil
		}
		if events {
			raw = cols.encode(raw[:0])
			cols.reset()
		}
		err := w.addBlock(section, raw, b)
		raw, b = raw[:0], fresh()
		return err
	}
	for {
		p, err := rr.Next()
		if err != nil { // io.EOF or the first torn record: what a reader would see
			return flush()
		}
		if events {
			ts, id, fields, text, derr := decodeEvent(p)
			if derr != nil {
				return flush()
			}
			b.minTs, b.maxTs, b.maxRef = min(b.minTs, ts), max(b.maxTs, ts), max(b.maxRef, int64(id))
			cols.add(len(p), ts, id, fields, text)
		} else {
			raw = appendRecord(raw, p)
		}
		b.count++
		if b.rawLen += recHeader + int64(len(p)); b.rawLen >= int64(blockRaw) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
}

// streamsOf returns the day file's label sets, indexed by stream id.
func (z *swzFile) streamsOf() ([][]labelPair, error) {
	streams, _, err := loadStreamsFrom(z.sectionReader(z.ix.streams), nil)
	return streams, err
}

// maxRef is the highest stream id the day file's events name.
func (z *swzFile) maxRef() int64 {
	m := int64(-1)
	if z != nil {
		for _, b := range z.ix.events {
			m = max(m, b.maxRef)
		}
	}
	return m
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// recoverDays finishes or undoes a compaction a crash interrupted (see the
// constants above). It runs in Open, before any reader or writer.
func recoverDays(root string, log interface{ Warn(string, ...any) }) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if day, ok := strings.CutSuffix(name, oldSuffix); ok && isDay(day) {
			errs = append(errs, recoverOld(root, day, log))
		}
	}
	for _, e := range entries { // a .tmp without .old never replaced anything
		if day, ok := strings.CutSuffix(e.Name(), tmpSuffix); ok && isDay(day) {
			if _, err := os.Stat(filepath.Join(root, e.Name())); err == nil {
				errs = append(errs, os.RemoveAll(filepath.Join(root, e.Name())))
			}
		}
	}
	return errors.Join(errs...)
}

func isDay(s string) bool { _, ok := parseDay(s); return ok }

func recoverOld(root, day string, log interface{ Warn(string, ...any) }) error {
	dir := filepath.Join(root, day)
	old, tmp := dir+oldSuffix, dir+tmpSuffix
	if _, err := os.Stat(dir); err == nil { // the swap completed
		return os.RemoveAll(old)
	}
	if z, err := openSWZ(filepath.Join(tmp, swzName)); err == nil && z != nil {
		z.close()
		log.Warn("log store: finishing a day compaction a crash interrupted", "day", day)
		if err := os.Rename(tmp, dir); err != nil {
			return err
		}
		return errors.Join(syncDir(root), os.RemoveAll(old))
	}
	log.Warn("log store: restoring a day whose compaction a crash interrupted", "day", day)
	if err := os.Rename(old, dir); err != nil {
		return err
	}
	return errors.Join(syncDir(root), os.RemoveAll(tmp))
}
