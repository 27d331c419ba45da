package logstore

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/swanwatch/swanwatch/internal/spool"
)

// LokiOptions configures the optional push of every event to a Loki-protocol
// receiver (Grafana Loki, VictoriaLogs, ...). Credentials are never logged.
type LokiOptions struct {
	URL                    string        // e.g. http://loki:3100/loki/api/v1/push
	Username, Password     string        // basic auth, when set
	BearerToken            string        // Authorization: Bearer, when set (instead of basic auth)
	TenantID               string        // X-Scope-OrgID, when set
	BatchSize              int           // entries per push, default 1000
	BatchWait              time.Duration // how long a partial batch may wait, default 1s
	Timeout                time.Duration // per request, default 10s
	MaxSpoolBytes          int64         // on-disk bound of unsent events, default 256 MiB
	ExtraLabels            map[string]string
	MinBackoff, MaxBackoff time.Duration // retry backoff, default 250ms doubling to 30s
}

func (o *LokiOptions) defaults() error {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("loki: url must be an absolute http(s) URL") // never echo: it may hold credentials
	}
	if o.BearerToken != "" && (o.Username != "" || o.Password != "") {
		return errors.New("loki: set either basic auth or a bearer token, not both")
	}
	for k, v := range o.ExtraLabels {
		if !validLabelName(k) || v == "" {
			return fmt.Errorf("loki: extra label %q must have a valid name and a value", k)
		}
	}
	setDefault(&o.BatchSize, 1000)
	setDefault(&o.BatchWait, time.Second)
	setDefault(&o.Timeout, 10*time.Second)
	setDefault(&o.MaxSpoolBytes, 256<<20)
	setDefault(&o.MinBackoff, 250*time.Millisecond)
	setDefault(&o.MaxBackoff, 30*time.Second)
	if o.BatchSize < 0 || o.BatchSize > 100000 || o.MaxSpoolBytes < 0 {
		return errors.New("loki: batch_size must be 1..100000 and max_spool_bytes positive")
	}
	return nil
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// pusher drains the spool to the receiver. A spool record is one event
// (encodeFull), its Count 1.
type pusher struct {
	opts   LokiOptions
	spool  *spool.Spool
	log    *slog.Logger
	client *http.Client
	target string // URL without credentials, for logs
}

// openPusher opens the spool in dir, taking over what an earlier run left.
func openPusher(o LokiOptions, dir string, log *slog.Logger) (*pusher, error) {
	target := o.URL
	if u, err := url.Parse(o.URL); err == nil {
		target = u.Redacted()
	}
	p := &pusher{
		opts: o, log: log.With("component", "loki_push", "url", target),
		client: &http.Client{Timeout: o.Timeout},
		target: target,
	}
	sp, err := spool.Open(spool.Options{Dir: dir, MaxBytes: o.MaxSpoolBytes, MaxRecord: maxRecord, Logger: p.log,
		Dropped: func(r spool.Reason, n int) {
			if r == spool.Full {
				lokiDroppedFull.Add(n)
			} else {
				lokiDroppedTorn.Add(n)
			}
		},
		Damaged: tornRecords.Inc,
	})
	if err != nil {
		return nil, fmt.Errorf("open loki spool: %w", err)
	}
	p.spool = sp
	p.gauges()
	return p, nil
}

// write hands stored events to the spool, one record each.
func (p *pusher) write(evs []pending) error {
	recs := make([]spool.Record, len(evs))
	for i, e := range evs {
		recs[i] = spool.Record{Count: 1, Data: encodeFull(nil, e.ts, e.ls, e.text)}
	}
	err := p.spool.Append(recs...)
	p.gauges()
	return err
}

func (p *pusher) gauges() {
	lokiSpoolBytes.Set(float64(p.spool.Bytes()))
	lokiPendingBytes.Set(float64(p.spool.Pending()))
}
