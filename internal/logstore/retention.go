package logstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// maintenanceInterval is how often closed days are compressed and the bounds
// enforced: often enough that a disk filling at the reference estate's rate
// (about 1 GB an hour, docs/logs-sizing.md) overshoots MaxBytes by little.
const maintenanceInterval = 5 * time.Minute

// Run compacts closed days and enforces retention and MaxBytes at start and then
// every maintenanceInterval and, when Loki is configured, runs the pusher. It
// returns nil once ctx is done and its goroutines have ended.
func (s *Store) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	if s.pusher != nil {
		wg.Go(func() { s.pusher.run(ctx) })
	}
	defer wg.Wait()
	t := time.NewTicker(maintenanceInterval)
	defer t.Stop()
	for {
		if err := s.Compact(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("log store compaction failed", "err", err)
		}
		if err := s.Sweep(); err != nil {
			s.log.Error("log store retention sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// dayUsage is one day partition and its bytes on disk.
type dayUsage struct {
	day   string
	start time.Time
	bytes int64
}

// Sweep deletes every day that ended more than Retention ago, then, while the days
// take more than MaxBytes, the oldest day but the current one. It never deletes a
// day that still holds an event inside the retention window for age.
func (s *Store) Sweep() error {
	s.maint.Lock()
	defer s.maint.Unlock()
	days, err := s.usage()
	if err != nil {
		return err
	}
	cutoff := s.opts.Now().Add(-s.opts.Retention)
	var errs []error
	kept := days[:0]
	for _, d := range days {
		if !d.start.AddDate(0, 0, 1).After(cutoff) {
			if err := s.deleteDay(d.day); err != nil {
				errs = append(errs, err)
				kept = append(kept, d)
				continue
			}
			daysDeletedAge.Inc()
			s.log.Info("log store day expired", "day", d.day, "retention", s.opts.Retention.String(), "bytes", d.bytes)
			continue
		}
		kept = append(kept, d)
	}
	kept, err = s.enforceMaxBytes(kept)
	daysKept.Set(float64(len(kept)))
	s.updateDiskBytes()
	return errors.Join(append(errs, err)...)
}

// enforceMaxBytes deletes the oldest days (never today's) while over MaxBytes.
func (s *Store) enforceMaxBytes(days []dayUsage) ([]dayUsage, error) {
	if s.opts.MaxBytes <= 0 {
		return days, nil
	}
	var total int64
	for _, d := range days {
		total += d.bytes
	}
	today := dayOf(s.opts.Now())
	for total > s.opts.MaxBytes && len(days) > 0 && days[0].day < today {
		d := days[0]
		if err := s.deleteDay(d.day); err != nil {
			return days, err
		}
		total -= d.bytes
		days = days[1:]
		daysDeletedSize.Inc()
		kept := 0
		if len(days) > 0 {
			kept = int(s.opts.Now().Sub(days[0].start).Hours()/24) + 1
		}
		s.log.Warn("log store day deleted to stay within max_bytes", "day", d.day, "bytes", d.bytes,
			"max_bytes", s.opts.MaxBytes, "days_kept", kept, "retention_days", int(s.opts.Retention.Hours()/24))
	}
	if total > s.opts.MaxBytes {
		s.log.Warn("log store: the current day alone exceeds max_bytes; it is kept", "bytes", total, "max_bytes", s.opts.MaxBytes)
	}
	return days, nil
}

// usage lists the day partitions, oldest first, with their sizes.
func (s *Store) usage() ([]dayUsage, error) {
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("list days: %w", err)
	}
	var days []dayUsage
	for _, e := range entries {
		start, ok := parseDay(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		days = append(days, dayUsage{day: e.Name(), start: start, bytes: dirBytes(filepath.Join(s.opts.Dir, e.Name()))})
	}
	return days, nil
}

func (s *Store) deleteDay(day string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.parts[day]; ok {
		_ = p.close()
		delete(s.parts, day)
	}
	if err := os.RemoveAll(filepath.Join(s.opts.Dir, day)); err != nil {
		return fmt.Errorf("delete day %s: %w", day, err)
	}
	return nil
}

// updateDiskBytes recomputes the size of the day partitions (the spool has its own
// gauge).
func (s *Store) updateDiskBytes() {
	days, _ := s.usage()
	var total int64
	for _, d := range days {
		total += d.bytes
	}
	diskBytes.Set(float64(total))
}

func dirBytes(dir string) int64 {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, ierr := d.Info(); ierr == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}
