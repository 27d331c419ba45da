// Package storage owns SwanWatch's metric storage: the embedded Prometheus TSDB
// (WAL on, retention and size limit), the hot append path that collectors feed
// through collectors.Sink, the Queryable for the query API, the Appendable for the
// rules manager, and optional remote_write to Prometheus-compatible receivers.
//
// remote_write uses a small queue of our own over prompb rather than Prometheus's
// storage/remote QueueManager, for what it does with an outage. QueueManager
// tails the TSDB's WAL into in-memory shards: a receiver down for longer than the
// WAL keeps its segments (about two hours, until the head is compacted) loses
// what was not sent. Ours keeps unsent batches in a bounded on-disk
// spool of their own (internal/spool) that survives restarts and outages as long
// as its size allows, drops the oldest first and counts every dropped sample. It
// is also fewer moving parts for one POST per batch: no WAL watcher, resharding,
// metadata or OpenTelemetry translation, and no config.RemoteWriteConfig. A
// receiver is a bounded channel, a batcher, a sender with capped exponential
// backoff (internal/retry) and the spool, drained in order when the receiver
// comes back (see remote.go and send.go).
package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/prometheus/prometheus/util/compression"
)

// DefaultRetention is how long samples are kept when Options.Retention is zero.
const DefaultRetention = 90 * 24 * time.Hour

// outOfOrderWindow tolerates a clock stepped back by NTP and a round stamped with
// its start time that commits after a newer sample of a rule; it costs nothing
// until an out-of-order sample arrives. Anything older is rejected and counted.
const outOfOrderWindow = 5 * time.Minute

// Options configures Open.
type Options struct {
	Dir         string        // TSDB directory (created if missing)
	Retention   time.Duration // default DefaultRetention
	MaxBytes    int64         // size limit of persisted blocks; 0 = no limit
	Logger      *slog.Logger  // default: discard
	RemoteWrite []RemoteWriteOptions
}

// Storage is the embedded TSDB plus its remote_write queues. It is safe for
// concurrent use.
type Storage struct {
	db      *tsdb.DB
	log     *slog.Logger
	refs    *refCache
	metrics *storeMetrics
	queues  []*queue

	mu     sync.RWMutex // Append holds it shared, Close exclusively
	closed bool

	// create serialises the creation of new series. The head allocates series
	// IDs and inserts them into its postings lists separately; two appenders
	// creating series at once can insert IDs out of order, and the head's
	// in-place repair of that order races with queries reading the same list
	// (seen with -race: tsdb/index MemPostings.addFor against listPostings).
	// New series are rare after the first round, so the lock costs little.
	create sync.Mutex
}

// Open opens (or creates) the TSDB in opts.Dir and prepares the remote_write
// queues; Run starts sending.
func Open(opts Options) (*Storage, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkUnlocked(opts.Dir); err != nil {
		return nil, err
	}
	s := &Storage{log: opts.Logger, refs: newRefCache()}
	if s.db, err = tsdb.Open(opts.Dir, opts.Logger, nil, s.tsdbOptions(opts), nil); err != nil {
		return nil, fmt.Errorf("open tsdb %s: %w", opts.Dir, err)
	}
	s.metrics = newStoreMetrics(s)
	for _, rw := range opts.RemoteWrite {
		q, err := newQueue(rw, opts.Logger, s.metrics.set)
		if err != nil {
			for _, q := range s.queues {
				_ = q.close()
			}
			s.metrics.close()
			return nil, errors.Join(err, s.db.Close())
		}
		s.queues = append(s.queues, q)
	}
	return s, nil
}

func (s *Storage) tsdbOptions(opts Options) *tsdb.Options {
	to := tsdb.DefaultOptions()
	to.RetentionDuration = opts.Retention.Milliseconds()
	to.MaxBytes = opts.MaxBytes
	to.OutOfOrderTimeWindow = outOfOrderWindow.Milliseconds()
	to.WALCompression = compression.Snappy // as Prometheus's own default: about half the WAL for little CPU
	to.SeriesLifecycleCallback = s.refs
	return to
}

func (o Options) withDefaults() (Options, error) {
	if o.Dir == "" {
		return o, errors.New("storage: dir is empty")
	}
	if o.Retention == 0 {
		o.Retention = DefaultRetention
	}
	if o.Retention < 0 || o.MaxBytes < 0 {
		return o, fmt.Errorf("storage: negative retention %s or max bytes %d", o.Retention, o.MaxBytes)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	rws, err := remoteDefaults(o.Dir, o.RemoteWrite)
	o.RemoteWrite = rws
	return o, err
}

// Queryable serves PromQL and the query API from the local TSDB.
func (s *Storage) Queryable() storage.Queryable { return s.db }

// DB exposes the TSDB for callers that need more than Queryable (stats, snapshots).
func (s *Storage) DB() *tsdb.DB { return s.db }

// Run sends queued samples to the remote_write receivers until ctx ends; then it
// spools what is still in memory so that the next start sends it. Call it once.
func (s *Storage) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, q := range s.queues {
		wg.Go(func() { q.run(ctx) })
	}
	wg.Wait()
	<-ctx.Done()
	return nil
}

// Close spools samples that never reached a sender, flushes the WAL and closes the
// TSDB; a later Open sees everything appended. Close after Run has returned.
func (s *Storage) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.metrics.close()
	var errs []error
	for _, q := range s.queues {
		errs = append(errs, q.close())
	}
	if err := s.db.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close tsdb: %w", err))
	}
	return errors.Join(errs...)
}
