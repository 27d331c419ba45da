package nvr

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// chanResult is one channel's outcome this round.
type chanResult struct {
	spec      channelSpec
	cs        *channelState
	searched  bool // the recent search answered
	recording bool
	err       error // of the recent search
}

// skew is how far past our clock the recent search reaches, for a recorder
// whose clock runs a little ahead.
const skew = time.Minute

// channels runs each channel's searches on channel_parallelism workers, each
// with its own finder. A worker stops taking channels when the round's time
// is up or the recorder refused us; those channels have no series this round.
func (r *round) channels(ctx context.Context, dev device) []chanResult {
	specs := r.tp.channels
	if len(specs) == 0 {
		return nil
	}
	results := make([]chanResult, len(specs))
	live := map[string]bool{}
	for i, s := range specs {
		cs := r.st.channels[s.id]
		if cs == nil {
			cs = &channelState{}
			r.st.channels[s.id] = cs
		}
		results[i] = chanResult{spec: s, cs: cs}
		live[s.id] = true
	}
	for id := range r.st.channels {
		if !live[id] {
			delete(r.st.channels, id)
		}
	}
	r.budget.Store(int64(r.c.cfg.ProbesPerRound))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(r.c.cfg.ChannelParallelism, len(specs)) {
		wg.Go(func() {
			f := dev.open()
			defer f.close()
			for i := int(next.Add(1) - 1); i < len(specs) && ctx.Err() == nil && !r.abort.Load(); i = int(next.Add(1) - 1) {
				r.channel(ctx, f, &results[i])
			}
		})
	}
	wg.Wait()
	for i := range results {
		if !results[i].searched && results[i].err == nil {
			results[i].err = ErrNoSearch
		}
		r.fail(stageSearch, results[i].err)
	}
	return results
}

// channel searches the recent window; when it is empty and the newest
// footage is not known, it probes for it; when the retention cache is due,
// it probes for the oldest footage.
func (r *round) channel(ctx context.Context, f finder, res *chanResult) {
	from := r.now.Add(-r.c.cfg.RecentWindow)
	spans, _, err := f.find(ctx, res.spec.id, from, r.now.Add(skew), r.c.cfg.MaxMatches)
	if err != nil {
		res.err = err
		r.stopOn(err)
		return
	}
	res.searched = true
	cs := res.cs
	if len(spans) > 0 {
		end := clipEnd(spans, r.now.Add(skew))
		cs.newest, cs.newestKnown = end, true
		res.recording = !end.Before(from)
	}
	if !res.recording && !cs.newestKnown && r.due(cs.newestAt) && r.take() {
		cs.newestAt = r.now
		end, ok, err := newestIn(ctx, f, res.spec.id, r.now.Add(-r.horizon()), from)
		r.probeFailed(err)
		if ok && err == nil {
			cs.newest, cs.newestKnown = end, true
		}
	}
	if r.due(cs.oldestAt) && r.take() {
		r.retention(ctx, f, res.spec.id, cs)
	}
}

// retention probes for the oldest footage over twice the required days.
func (r *round) retention(ctx context.Context, f finder, ch string, cs *channelState) {
	lo := r.now.Add(-r.horizon())
	oldest, ok, err := oldestIn(ctx, f, ch, lo, r.now.Add(skew))
	if r.probeFailed(err) {
		return // the cache stays; due again next round
	}
	cs.oldestAt = r.now
	switch {
	case !ok:
		cs.oldestState = retentionNone
	case !oldest.After(lo):
		cs.oldestState = retentionCapped
	default:
		cs.oldestState, cs.oldest = retentionFound, oldest
	}
}

func (r *round) probeFailed(err error) bool {
	if err == nil {
		return false
	}
	r.fail(stageRetention, err)
	r.stopOn(err)
	return true
}

// stopOn stops the round's searches when the recorder refused us or stopped
// answering: more requests would only wait (or count towards a lock-out).
func (r *round) stopOn(err error) {
	if fatal(err) {
		r.abort.Store(true)
	}
}

// horizon is how far back footage is looked for: twice the required days, so
// that a retention shortfall and a comfortable margin both show.
func (r *round) horizon() time.Duration {
	return 2 * time.Duration(r.tp.retentionDays) * 24 * time.Hour
}

// due reports whether a probe last made at t is to be made again.
func (r *round) due(t time.Time) bool {
	return t.IsZero() || r.now.Sub(t) >= r.c.cfg.RetentionInterval
}

// take spends one footage probe of the round's budget.
func (r *round) take() bool { return r.budget.Add(-1) >= 0 }

// emitChannels emits each searched channel's series; retention comes from
// the cache and is emitted whenever it is known.
func (r *round) emitChannels(results []chanResult) {
	for _, res := range results {
		labels := []string{"channel", res.spec.id, "camera", res.spec.camera}
		cs := res.cs
		if res.searched {
			r.emit("nvr_channel_recording", b2f(res.recording), labels...)
			if cs.newestKnown {
				r.emit("nvr_channel_footage_age_seconds", max(0, r.now.Sub(cs.newest).Seconds()), labels...)
			}
		}
		switch cs.oldestState {
		case retentionFound:
			r.emit("nvr_channel_retention_days", max(0, r.now.Sub(cs.oldest).Hours()/24), labels...)
		case retentionCapped:
			r.emit("nvr_channel_retention_days", r.horizon().Hours()/24, labels...)
		case retentionNone:
			r.emit("nvr_channel_retention_days", 0, labels...)
		}
	}
}
