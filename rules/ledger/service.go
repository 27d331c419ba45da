package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// Options are the ledger's sources and what it joins them with.
type Options struct {
	Sources  []Source                  // required: at least one
	Targets  func() []inventory.Target // required: the current inventory
	Platform Platform                  // required: NewTSDBPlatform over the storage
	// ExpiringDays flags terms ending within that many days; ≤ 0: 30.
	ExpiringDays int
	// Refresh is how long a read of the sources is reused; ≤ 0: 5 minutes.
	Refresh time.Duration
	Now     func() time.Time // nil: time.Now
	Logger  *slog.Logger     // nil: discard
}

// DefaultRefresh is how long a read of the ledger is reused.
const DefaultRefresh = 5 * time.Minute

// Ledger reads the ledger's sources (at most once per Refresh, on demand)
// and joins them to what runs.
type Ledger struct {
	o Options

	mu    sync.Mutex
	read  time.Time      // when the sources were last read
	books map[int]cached // per source index: its last good read
}

type cached struct {
	book Book
	at   time.Time
}

// Result is the join at a time.
type Result struct {
	At       time.Time      `json:"at"`
	Entries  int            `json:"entries"` // good ledger entries
	Counts   map[Kind]int   `json:"counts"`  // findings per kind, before any filter
	Findings []Finding      `json:"findings"`
	Problems []Problem      `json:"problems"` // bad rows and failed sources
	Sources  []SourceStatus `json:"sources"`
}

// SourceStatus says when a source was last read well.
type SourceStatus struct {
	Name    string    `json:"name"`
	Entries int       `json:"entries"`
	ReadAt  time.Time `json:"read_at"`
	Error   string    `json:"error,omitempty"` // the latest read failed: the last good read is used
}

// New checks the options.
func New(o Options) (*Ledger, error) {
	if len(o.Sources) == 0 || o.Targets == nil || o.Platform == nil {
		return nil, errors.New("ledger: Sources, Targets and Platform are required")
	}
	if o.ExpiringDays <= 0 {
		o.ExpiringDays = DefaultExpiringDays
	}
	if o.Refresh <= 0 {
		o.Refresh = DefaultRefresh
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Ledger{o: o, books: map[int]cached{}}, nil
}

// ErrNoLedger: no source has ever been read well, so nothing can be joined
// (every running VM would look unregistered).
var ErrNoLedger = errors.New("资源台账尚未成功读取")

// Findings joins the ledger, as last read, to the estate at `at`: the terms
// are judged at `at`, the VMs as the data showed them then, the inventory as
// it is now. (The ledger has no history: a past `at` uses today's ledger.)
func (l *Ledger) Findings(ctx context.Context, at time.Time) (Result, error) {
	entries, res, err := l.ledger(ctx)
	if err != nil {
		return res, err
	}
	vms, err := l.o.Platform.VMs(ctx, at)
	if err != nil {
		return res, fmt.Errorf("读取虚拟化平台数据：%w", err)
	}
	res.At = at
	res.Entries = len(entries)
	res.Findings = Join(entries, l.o.Targets(), vms, at, l.o.ExpiringDays)
	res.Counts = map[Kind]int{}
	for _, k := range Kinds {
		res.Counts[k] = 0
	}
	for _, f := range res.Findings {
		res.Counts[f.Kind]++
	}
	return res, nil
}

// Month is the join at the end of month (YYYY-MM, CST), or now for the
// running month: what the monthly report lists.
func (l *Ledger) Month(ctx context.Context, month string) (Result, error) {
	start, err := sla.ParseMonth(month)
	if err != nil {
		return Result{}, err
	}
	at := start.AddDate(0, 1, 0).Add(-time.Millisecond)
	if now := l.o.Now(); now.Before(at) {
		at = now
	}
	return l.Findings(ctx, at)
}

// ledger returns the entries of every source, reading them again when the
// last read is older than Refresh; the first source to list a VM wins.
func (l *Ledger) ledger(ctx context.Context) ([]Entry, Result, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.o.Now()
	errs := map[int]error{}
	if l.read.IsZero() || now.Sub(l.read) >= l.o.Refresh {
		errs = l.refresh(ctx, now)
	}
	res := Result{Problems: []Problem{}, Findings: []Finding{}}
	var entries []Entry
	seen := map[string]string{}
	for i, s := range l.o.Sources {
		c, ok := l.books[i]
		st := SourceStatus{Name: s.Name(), Entries: len(c.book.Entries), ReadAt: c.at}
		if err := errs[i]; err != nil {
			st.Error = err.Error()
			res.Problems = append(res.Problems, Problem{Source: s.Name(), Reason: failedReason(err, ok, c.at)})
		}
		res.Sources = append(res.Sources, st)
		res.Problems = append(res.Problems, c.book.Problems...)
		for _, e := range c.book.Entries {
			if where, dup := seen[e.VM]; dup {
				res.Problems = append(res.Problems, Problem{Source: s.Name(), VM: e.VM,
					Reason: fmt.Sprintf("云服务器 %s 重复（%s 已登记），%s 跳过", e.VM, where, e.Where)})
				continue
			}
			seen[e.VM] = e.Where
			entries = append(entries, e)
		}
	}
	if len(l.books) == 0 {
		return nil, res, fmt.Errorf("%w：%v", ErrNoLedger, errors.Join(inOrder(errs, len(l.o.Sources))...))
	}
	return entries, res, nil
}

func failedReason(err error, kept bool, at time.Time) string {
	if kept {
		return fmt.Sprintf("本次读取失败，沿用 %s 的台账：%v", at.In(cst.Location).Format("2006-01-02 15:04:05"), err)
	}
	return fmt.Sprintf("读取失败：%v", err)
}

// refresh reads every source; a failed one keeps its last good read.
func (l *Ledger) refresh(ctx context.Context, now time.Time) map[int]error {
	l.read = now
	errs := map[int]error{}
	bad := 0
	for i, s := range l.o.Sources {
		b, err := s.Read(ctx)
		if err != nil {
			errs[i] = err
			metrics.GetOrCreateCounter(`swanwatch_ledger_read_failures_total`).Inc()
			l.o.Logger.Warn("ledger source unreadable, keeping its last good read", "source", s.Name(), "err", err)
			continue
		}
		l.books[i] = cached{book: b, at: now}
		bad += len(b.Problems)
		if len(b.Problems) > 0 {
			l.o.Logger.Warn("ledger rows skipped", "source", s.Name(), "rows", len(b.Problems))
		}
	}
	metrics.GetOrCreateCounter(`swanwatch_ledger_bad_rows_total`).Add(bad)
	kept := 0
	for _, c := range l.books {
		kept += len(c.book.Problems)
	}
	metrics.GetOrCreateGauge(`swanwatch_ledger_bad_rows`, nil).Set(float64(kept))
	return errs
}

// inOrder lists the errors by source index, so that a message is stable.
func inOrder(m map[int]error, n int) []error {
	var out []error
	for i := range n {
		if m[i] != nil {
			out = append(out, m[i])
		}
	}
	return out
}
