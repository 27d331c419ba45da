package nvr

import (
	"context"
	"time"
)

// Footage probes find the newest or the oldest footage of a channel over a
// long horizon without listing it: one page of the search over the whole
// window, and bisection while a page is truncated. A page that is not
// truncated lists every file of its window, so it gives the answer at once;
// with the vendors' oldest-first order the oldest is found in two searches.

const (
	probePage = isapiPage // one search page per probe
	// probeSteps bounds the searches of one probe (a bisection of 60 days
	// down to seconds needs about 23).
	probeSteps = 24
	// Precision at which a bisection stops: footage age is judged in
	// minutes, retention in days.
	newestPrecision = 30 * time.Second
	oldestPrecision = 10 * time.Minute
)

// finder searches a channel's footage. find returns up to max files that
// overlap [from, to), oldest first as far as the recorder orders them, and
// whether more matched.
type finder interface {
	find(ctx context.Context, ch string, from, to time.Time, max int) ([]span, bool, error)
	close()
}

// newestIn returns the end of the newest footage in [lo, hi), given that
// there is none from hi on.
func newestIn(ctx context.Context, f finder, ch string, lo, hi time.Time) (time.Time, bool, error) {
	spans, more, err := f.find(ctx, ch, lo, hi, probePage)
	mProbes.Inc()
	if err != nil || len(spans) == 0 {
		return time.Time{}, false, err
	}
	best := clipEnd(spans, hi)
	for step := 0; more && step < probeSteps && hi.Sub(best) > newestPrecision; step++ {
		mid := best.Add(hi.Sub(best) / 2).Truncate(time.Second)
		if !mid.After(best) {
			break
		}
		spans, more, err = f.find(ctx, ch, mid, hi, probePage)
		switch {
		case err != nil:
			return best, true, err
		case len(spans) == 0:
			hi = mid
		case more:
			best = later(mid, clipEnd(spans, hi))
		default:
			return clipEnd(spans, hi), true, nil
		}
	}
	return best, true, nil
}

// oldestIn returns the start of the oldest footage in [lo, hi), and whether
// footage reaches back past lo (retention at least the horizon).
func oldestIn(ctx context.Context, f finder, ch string, lo, hi time.Time) (time.Time, bool, error) {
	spans, more, err := f.find(ctx, ch, lo, hi, probePage)
	mProbes.Inc()
	if err != nil || len(spans) == 0 {
		return time.Time{}, false, err
	}
	best := clipStart(spans, lo)
	// The first step confirms the page's oldest (nothing before it); later
	// steps bisect.
	cut := best
	for step := 0; more && step < probeSteps && best.Sub(lo) > oldestPrecision; step++ {
		if step > 0 {
			cut = lo.Add(best.Sub(lo) / 2).Truncate(time.Second)
		}
		if !cut.After(lo) {
			break
		}
		spans, more, err = f.find(ctx, ch, lo, cut, probePage)
		switch {
		case err != nil:
			return best, true, err
		case len(spans) == 0:
			lo = cut
			more = true // footage is known to exist in [cut, best]
		default:
			best = earlier(cut, clipStart(spans, lo))
		}
	}
	return best, true, nil
}

// clipEnd is the latest end among spans, no later than hi.
func clipEnd(spans []span, hi time.Time) time.Time {
	var e time.Time
	for _, s := range spans {
		e = later(e, s.end)
	}
	return earlier(e, hi)
}

// clipStart is the earliest start among spans, no earlier than lo.
func clipStart(spans []span, lo time.Time) time.Time {
	s := spans[0].start
	for _, x := range spans[1:] {
		s = earlier(s, x.start)
	}
	return later(s, lo)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
