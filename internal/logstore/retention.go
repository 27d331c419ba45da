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

// sweepInterval is how often retention runs; days are the unit of deletion, so
// once a day (plus once at start) is enough.
const sweepInterval = 24 * time.Hour

// Run sweeps expired days at start and then daily and, when Loki is configured,
// runs the pusher. It returns nil once ctx is done and its goroutines have ended.
func (s *Store) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	if s.pusher != nil {
		wg.Go(func() { s.pusher.run(ctx) })
	}
	defer wg.Wait()
	t := time.NewTicker(sweepInterval)
	defer t.Stop()
	for {
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

// Sweep deletes every day that ended more than Retention ago. It never touches a
// day that still holds an event inside the window.
func (s *Store) Sweep() error {
	cutoff := s.opts.Now().Add(-s.opts.Retention)
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return fmt.Errorf("list days: %w", err)
	}
	var errs []error
	for _, e := range entries {
		start, ok := parseDay(e.Name())
		if !ok || !e.IsDir() || start.AddDate(0, 0, 1).After(cutoff) {
			continue
		}
		if err := s.deleteDay(e.Name()); err != nil {
			errs = append(errs, err)
			continue
		}
		daysDeleted.Inc()
		s.log.Info("log store day expired", "day", e.Name(), "retention", s.opts.Retention.String())
	}
	s.updateDiskBytes()
	return errors.Join(errs...)
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
	var total int64
	entries, _ := os.ReadDir(s.opts.Dir)
	for _, e := range entries {
		if _, ok := parseDay(e.Name()); !ok || !e.IsDir() {
			continue
		}
		_ = filepath.WalkDir(filepath.Join(s.opts.Dir, e.Name()), func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if info, ierr := d.Info(); ierr == nil {
					total += info.Size()
				}
			}
			return nil
		})
	}
	diskBytes.Set(float64(total))
}
