package jobs

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// Service watches the configured jobs: it takes their runs (push, poll),
// judges their schedules every minute, and sends events and series.
type Service struct {
	jobs   map[string]*job
	order  []string // names in configuration order
	store  store
	events collectors.EventSink
	sink   collectors.Sink
	now    func() time.Time
	log    *slog.Logger
	client *http.Client

	mu sync.Mutex // serializes judging and recording; pushes are rare
}

// job is one configured job and what is known of it.
type job struct {
	cfg   Job
	sched Schedule
	token *tokenFile // nil: the job cannot push

	w           watch
	last        Run // the run that started last (Status "" when none)
	lastDone    Run // the last finished run
	lastSuccess time.Time
}

// Option tunes a Service.
type Option func(*Service)

// WithEvents sends the jobs' events (failed, too_long, missed, succeeded)
// to sink: the event rules and the event store.
func WithEvents(sink collectors.EventSink) Option { return func(s *Service) { s.events = sink } }

// WithSink writes the job_* series to sink.
func WithSink(sink collectors.Sink) Option { return func(s *Service) { s.sink = sink } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithLogger logs to l.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// WithHTTPClient polls with c (its Timeout is overridden per job).
func WithHTTPClient(c *http.Client) Option { return func(s *Service) { s.client = c } }

// New builds the Service over the state database: cfg is checked
// (WithDefaults is applied), the jobs' last runs and judged slots are read
// back, and a job seen for the first time is watched from now.
func New(cfg Config, db *statestore.DB, opts ...Option) (*Service, error) {
	s := &Service{jobs: map[string]*job{}, store: store{db: db.SQL()}, now: time.Now,
		log: slog.New(slog.DiscardHandler), client: &http.Client{}}
	for _, o := range opts {
		o(s)
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ctx := context.Background()
	if err := s.store.checkTables(ctx); err != nil {
		return nil, err
	}
	watches, err := s.store.watches(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cfg {
		j, err := s.load(ctx, c, watches)
		if err != nil {
			return nil, err
		}
		s.jobs[c.Name], s.order = j, append(s.order, c.Name)
	}
	return s, nil
}

// load builds one job and reads back its state.
func (s *Service) load(ctx context.Context, c Job, watches map[string]watch) (*job, error) {
	sched, _ := ParseSchedule(c.Schedule) // validated
	j := &job{cfg: c, sched: sched}
	if c.TokenFile != "" {
		j.token = &tokenFile{path: c.TokenFile}
	}
	w, ok := watches[c.Name]
	if !ok {
		w = watch{since: s.now().Truncate(time.Second)}
		if err := s.store.saveWatch(ctx, c.Name, w); err != nil {
			return nil, err
		}
	}
	j.w = w
	return j, s.reload(ctx, j)
}

// reload reads a job's last runs from the store.
func (s *Service) reload(ctx context.Context, j *job) error {
	var err error
	if j.last, _, err = s.store.latest(ctx, j.cfg.Name); err != nil {
		return err
	}
	if j.lastDone, _, err = s.store.latestFinished(ctx, j.cfg.Name, false); err != nil {
		return err
	}
	ok, found, err := s.store.latestFinished(ctx, j.cfg.Name, true)
	j.lastSuccess = time.Time{}
	if found {
		j.lastSuccess = ok.FinishedAt
	}
	return err
}

// Jobs lists the configured jobs' names, in configuration order.
func (s *Service) Jobs() []string { return append([]string(nil), s.order...) }

// Run checks the schedules every minute, polls the polled jobs and prunes
// old runs daily, until ctx ends; it returns nil then.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, name := range s.order {
		if j := s.jobs[name]; j.cfg.Poll != nil {
			wg.Go(func() { s.pollLoop(ctx, j) })
		}
	}
	defer wg.Wait()
	s.prune(ctx)
	lastPrune := s.now()
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		s.Check(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if s.now().Sub(lastPrune) >= 24*time.Hour {
			s.prune(ctx)
			lastPrune = s.now()
		}
	}
}

// prune drops runs older than Retention.
func (s *Service) prune(ctx context.Context) {
	n, err := s.store.prune(ctx, s.now().Add(-Retention))
	if err != nil {
		mStoreErrors.Inc()
		s.log.Warn("job runs not pruned", "err", err)
		return
	}
	if n > 0 {
		s.log.Info("old job runs pruned", "runs", n, "older_than_days", int(Retention.Hours()/24))
	}
}

// send delivers events; a sink must not block, and a failure is counted.
func (s *Service) send(ctx context.Context, evs []collectors.Event) {
	if len(evs) == 0 || s.events == nil {
		return
	}
	for _, e := range evs {
		metricEvent(e.Labels["event"])
	}
	if err := s.events.AppendEvents(ctx, evs); err != nil {
		mSinkErrors.Inc()
		s.log.Warn("job events not delivered", "events", len(evs), "err", err)
	}
}
