package storage

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/golang/snappy"
	"github.com/prometheus/prometheus/prompb"

	"github.com/swanwatch/swanwatch/internal/spool"
)

// RemoteWriteOptions configures one remote_write receiver.
type RemoteWriteOptions struct {
	Name string // unique; the receiver label of own metrics and the spool dir name
	URL  string // e.g. http://vm:8428/api/v1/write; credentials go in the fields below

	Username, Password string // basic auth
	BearerToken        string // exclusive with basic auth

	Timeout       time.Duration // per request, default 30 s
	BatchSize     int           // samples per request, default 2000
	FlushInterval time.Duration // send a partial batch after this, default 5 s
	MaxSpoolBytes int64         // on-disk spool bound, default 512 MiB
	SpoolDir      string        // default <Dir>/remote_write/<Name>
	MaxBackoff    time.Duration // retry delay cap, default 30 s
}

const (
	defaultBatchSize     = 2000
	maxBatchSize         = 100_000
	defaultTimeout       = 30 * time.Second
	defaultFlush         = 5 * time.Second
	defaultMaxSpoolBytes = 512 << 20
	defaultMaxBackoff    = 30 * time.Second
	minBackoff           = 100 * time.Millisecond
	minSpoolBytes        = 64 << 10

	// inQueueLen bounds the rounds waiting for the batcher (a round is one
	// target's samples); beyond it Append spills straight to the spool.
	inQueueLen = 1024
	// readyLen bounds encoded batches waiting for the sender in memory.
	readyLen = 4
)

var receiverName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// remoteDefaults validates the receivers and fills in defaults on a copy.
func remoteDefaults(dir string, in []RemoteWriteOptions) ([]RemoteWriteOptions, error) {
	out := make([]RemoteWriteOptions, len(in))
	seen := map[string]bool{}
	var errs []error
	for i, o := range in {
		if err := o.validate(); err != nil {
			errs = append(errs, fmt.Errorf("remote_write %d (%q): %w", i, o.Name, err))
			continue
		}
		if seen[o.Name] {
			errs = append(errs, fmt.Errorf("remote_write %d: name %q used twice", i, o.Name))
		}
		seen[o.Name] = true
		out[i] = o.withDefaults(dir)
	}
	return out, errors.Join(errs...)
}

func (o RemoteWriteOptions) validate() error {
	if !receiverName.MatchString(o.Name) {
		return errors.New("name must be 1-64 of A-Z a-z 0-9 _ . -")
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return fmt.Errorf("parse url: %w", err) // url.Parse redacts no password: refused below anyway
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return errors.New("url must be http:// or https:// with a host")
	case u.User != nil:
		return errors.New("url must not carry credentials: use username/password or bearer_token")
	case o.BearerToken != "" && (o.Username != "" || o.Password != ""):
		return errors.New("set basic auth or bearer_token, not both")
	case o.Timeout < 0, o.BatchSize < 0, o.FlushInterval < 0, o.MaxSpoolBytes < 0, o.MaxBackoff < 0:
		return errors.New("negative timeout, batch size, flush interval, spool size or backoff")
	case o.BatchSize > maxBatchSize:
		return fmt.Errorf("batch_size %d over %d", o.BatchSize, maxBatchSize)
	case o.MaxSpoolBytes != 0 && o.MaxSpoolBytes < minSpoolBytes:
		return fmt.Errorf("max_spool_bytes %d under %d", o.MaxSpoolBytes, minSpoolBytes)
	}
	return nil
}

func (o RemoteWriteOptions) withDefaults(dir string) RemoteWriteOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.Timeout, defaultTimeout)
	def(&o.FlushInterval, defaultFlush)
	def(&o.MaxBackoff, defaultMaxBackoff)
	if o.BatchSize == 0 {
		o.BatchSize = defaultBatchSize
	}
	if o.MaxSpoolBytes == 0 {
		o.MaxSpoolBytes = defaultMaxSpoolBytes
	}
	if o.SpoolDir == "" {
		o.SpoolDir = filepath.Join(dir, "remote_write", o.Name)
	}
	return o
}

// queue carries samples to one receiver: Append → in (bounded) → batcher →
// ready (in memory) or the spool (on disk, once the sender falls behind) →
// sender. Batches go to memory only while the spool is empty, so delivery stays
// in order. A spool record is one request body; its Count is its samples.
type queue struct {
	opts   RemoteWriteOptions
	log    *slog.Logger
	client *http.Client
	in     chan []prompb.TimeSeries
	ready  chan spool.Record
	spool  *spool.Spool
	m      queueMetrics
	down   time.Time // sender only: when the receiver started failing
}

func newQueue(o RemoteWriteOptions, log *slog.Logger, set *metrics.Set) (*queue, error) {
	q := &queue{
		opts:   o,
		log:    log.With("receiver", o.Name),
		client: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		in:     make(chan []prompb.TimeSeries, inQueueLen),
		ready:  make(chan spool.Record, readyLen),
		m:      newQueueMetrics(set, o.Name),
	}
	sp, err := spool.Open(spool.Options{
		Dir: o.SpoolDir, MaxBytes: o.MaxSpoolBytes, MaxRecord: maxRecordSize, Logger: q.log,
		Dropped: q.m.spoolDropped, Damaged: q.m.corruptSegments.Inc,
	})
	if err != nil {
		return nil, fmt.Errorf("remote_write %s: %w", o.Name, err)
	}
	q.spool = sp
	q.m.gauges(set, q)
	return q, nil
}

// maxRecordSize bounds one request body in the spool: a batch is at most
// maxBatchSize samples.
const maxRecordSize = 64 << 20

// enqueue never blocks: when the batcher is behind, the round goes to disk.
func (q *queue) enqueue(series []prompb.TimeSeries) {
	select {
	case q.in <- series:
	default:
		q.spill(series)
	}
}

// spill encodes series in batches straight into the spool.
func (q *queue) spill(series []prompb.TimeSeries) {
	for len(series) > 0 {
		n := min(len(series), q.opts.BatchSize)
		rec, err := encodeBatch(series[:n])
		if err == nil {
			err = q.spool.Append(rec)
		}
		if err != nil {
			q.m.spoolFailed(n, err)
			q.log.Error("remote_write spool write failed, samples dropped", "samples", n, "err", err)
		}
		series = series[n:]
	}
}

// encodeBatch builds the request body: snappy-compressed prompb WriteRequest.
func encodeBatch(series []prompb.TimeSeries) (spool.Record, error) {
	req := prompb.WriteRequest{Timeseries: series}
	raw, err := req.Marshal()
	if err != nil {
		return spool.Record{}, fmt.Errorf("marshal write request: %w", err)
	}
	n := 0
	for i := range series {
		n += len(series[i].Samples)
	}
	return spool.Record{Count: n, Data: snappy.Encode(nil, raw)}, nil
}

// close spools the rounds still waiting in memory; call it after run returned.
func (q *queue) close() error {
	q.spill(q.drainIn(nil))
	q.client.CloseIdleConnections()
	return q.spool.Close()
}

// drainIn appends every round waiting in q.in to pending without blocking.
func (q *queue) drainIn(pending []prompb.TimeSeries) []prompb.TimeSeries {
	for {
		select {
		case s := <-q.in:
			pending = append(pending, s...)
		default:
			return pending
		}
	}
}
