// Package logstore owns SwanWatch's embedded event and log store: traps, syslog
// lines, target state changes and audit copies, each with a time, labels and a
// (Chinese) text. Events live in one directory per Asia/Shanghai calendar day, so
// retention (at least 180 days) deletes whole days and a query reads only the days
// in its range. The package also serves GET /api/v1/events, the operators' search
// page (日志检索), and, optionally, pushes every event to a Loki-protocol receiver
// from a bounded on-disk spool.
//
// Durability: Append returns after the day's files were written and fsynced (one
// fsync per file touched per call, so callers batch for throughput).
//
// Disk: a closed day is compressed into one file of zstd blocks (swz.go) that a
// query reads block by block, skipping blocks outside its time range or that
// cannot change its page; today's file has the same time index in memory
// (liveindex.go). A firewall's flow labels are kept with each event, not in the
// day's label index (event.go). The store is bounded in days (Retention) and in
// bytes (MaxBytes), the oldest day going first. Search serves requests from the
// network within a scan budget and a time bound. Sizing: docs/logs-sizing.md.
package logstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DefaultRetention is the contractual minimum for logs (R-A7: at least 6 months).
const DefaultRetention = 180 * 24 * time.Hour

// maxOpenDays bounds open file handles when late events touch many old days.
const maxOpenDays = 4

// Options configures a Store.
type Options struct {
	Dir       string        // data directory; one sub-directory per day
	Retention time.Duration // default DefaultRetention; shorter is refused ...
	// AllowShortRetention permits Retention below 180 days (tests only: the contract
	// requires six months).
	AllowShortRetention bool
	// MaxBytes bounds the day partitions on disk (0: no bound). Over it, the oldest
	// days are deleted, never the current one; a bound that cuts below Retention is
	// logged as a warning at each deletion (R-A7 wants 180 days: size the disk).
	MaxBytes int64
	// MaxScanEvents and QueryTimeout bound one Search (a request from the network).
	MaxScanEvents int64         // default DefaultMaxScanEvents
	QueryTimeout  time.Duration // default DefaultQueryTimeout
	Logger        *slog.Logger
	Loki          *LokiOptions // nil: no push
	Now           func() time.Time
}

// Defaults of the per-search bounds: one core reads about a million compressed
// firewall events a second while matching text (BenchmarkSearchCompressedDay).
const (
	DefaultMaxScanEvents = 20_000_000
	DefaultQueryTimeout  = 20 * time.Second
)

// Store is the embedded event store. It is safe for concurrent use.
type Store struct {
	opts   Options
	log    *slog.Logger
	mu     sync.Mutex
	maint  sync.Mutex            // one compaction or sweep at a time
	parts  map[string]*partition // days open for appending
	closed bool
	pusher *pusher // nil without Loki
}

// Open validates opts, creates the directory and (with Loki) the spool.
func Open(opts Options) (*Store, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create log store dir: %w", err)
	}
	if err := recoverDays(opts.Dir, opts.Logger); err != nil {
		return nil, fmt.Errorf("log store: recover an interrupted day compaction: %w", err)
	}
	s := &Store{opts: opts, log: opts.Logger, parts: map[string]*partition{}}
	if opts.Loki != nil {
		p, err := openPusher(*opts.Loki, filepath.Join(opts.Dir, "spool"), opts.Logger)
		if err != nil {
			return nil, err
		}
		s.pusher = p
	}
	s.updateDiskBytes()
	return s, nil
}

func (o *Options) defaults() error {
	if o.Dir == "" {
		return errors.New("log store: dir is required")
	}
	if o.Retention == 0 {
		o.Retention = DefaultRetention
	}
	if o.Retention < DefaultRetention && !o.AllowShortRetention {
		return fmt.Errorf("log store: retention %s is below the required 180 days (R-A7)", o.Retention)
	}
	if o.Retention <= 0 {
		return fmt.Errorf("log store: retention %s must be positive", o.Retention)
	}
	if o.MaxBytes < 0 || o.MaxScanEvents < 0 || o.QueryTimeout < 0 {
		return errors.New("log store: max_bytes, max_scan_events and query_timeout must not be negative")
	}
	if o.MaxScanEvents == 0 {
		o.MaxScanEvents = DefaultMaxScanEvents
	}
	if o.QueryTimeout == 0 {
		o.QueryTimeout = DefaultQueryTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Loki != nil {
		return o.Loki.defaults()
	}
	return nil
}

// Close closes the open day files and the spool. Run must have returned.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	for day, p := range s.parts {
		errs = append(errs, p.close())
		delete(s.parts, day)
	}
	if s.pusher != nil {
		errs = append(errs, s.pusher.spool.Close())
	}
	return errors.Join(errs...)
}

// Append stores events durably. Bad events (invalid labels or text, a time outside
// the retention window) are refused with an error naming them; the others are
// stored all the same. A zero Time means now.
func (s *Store) Append(ctx context.Context, events ...Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	byDay, order, bad := s.prepare(events)
	if err := s.write(byDay, order); err != nil {
		return errors.Join(append(bad, err)...)
	}
	if s.pusher != nil {
		s.toSpool(byDay, order)
	}
	return errors.Join(bad...)
}

// prepare validates and groups events by day, keeping their order within a day.
func (s *Store) prepare(events []Event) (map[string][]pending, []string, []error) {
	now := s.opts.Now()
	byDay := map[string][]pending{}
	var order []string
	var bad []error
	for i := range events {
		e := events[i] // a copy: the caller's slice is not ours to change
		if e.Time.IsZero() {
			e.Time = now
		}
		if reason, err := validateEvent(&e, now, s.opts.Retention); err != nil {
			rejected(reason).Inc()
			bad = append(bad, fmt.Errorf("event %d: %w", i, err))
			continue
		}
		ls := sortedLabels(e.Labels)
		day := dayOf(e.Time)
		if _, ok := byDay[day]; !ok {
			order = append(order, day)
		}
		stream, fields := splitLabels(ls)
		byDay[day] = append(byDay[day], pending{ts: e.Time.UnixNano(), ls: ls, stream: stream, fields: fields, key: labelKey(stream), text: e.Text})
	}
	return byDay, order, bad
}

func (s *Store) write(byDay map[string][]pending, order []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("log store is closed")
	}
	for _, day := range order {
		p, err := s.partitionLocked(day)
		if err != nil {
			return err
		}
		n, err := p.append(byDay[day])
		if err != nil {
			return fmt.Errorf("append to day %s: %w", day, err)
		}
		eventsAppended.Add(len(byDay[day]))
		bytesWritten.AddInt64(n)
		diskBytes.Add(float64(n))
	}
	s.closeIdleLocked(order)
	return nil
}

func (s *Store) partitionLocked(day string) (*partition, error) {
	if p, ok := s.parts[day]; ok {
		return p, nil
	}
	p, err := openPartition(filepath.Join(s.opts.Dir, day))
	if err != nil {
		return nil, fmt.Errorf("open day %s: %w", day, err)
	}
	s.parts[day] = p
	return p, nil
}

// closeIdleLocked closes days not touched by this call once too many are open.
func (s *Store) closeIdleLocked(keep []string) {
	if len(s.parts) <= maxOpenDays {
		return
	}
	for day, p := range s.parts {
		if !contains(keep, day) {
			_ = p.close()
			delete(s.parts, day)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// toSpool hands stored events to the Loki pusher. A spool failure never fails
// Append: the store is the source of truth and the event is already durable.
func (s *Store) toSpool(byDay map[string][]pending, order []string) {
	for _, day := range order {
		if err := s.pusher.write(byDay[day]); err != nil {
			spoolWriteErrors.Inc()
			s.log.Warn("loki spool write failed; events stay in the store", "err", err, "events", len(byDay[day]))
		}
	}
}
