package storage

import (
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunks"

	"github.com/swanwatch/swanwatch/collectors"
)

// refShards spreads the cache over independent locks so that concurrent
// collector rounds on both cores do not serialise on one mutex.
const refShards = 64

// refCache maps a hash of a series' label pairs to its head series ref, so a
// repeat series skips label validation and construction on the hot path.
// It implements tsdb.SeriesLifecycleCallback: head GC reports deleted series and
// their entries go away. Refs are never reused by the head, so an entry that
// survives by accident only costs one failed append and a fallback to labels.
type refCache struct {
	shards [refShards]refShard
}

type refShard struct {
	mu sync.RWMutex
	m  map[uint64]refEntry
}

type refEntry struct {
	ref storage.SeriesRef
	// labels guards against 64-bit hash collisions: a hit must also compare equal.
	labels []collectors.Label
}

func newRefCache() *refCache {
	c := &refCache{}
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]refEntry)
	}
	return c
}

// hashLabels hashes the name/value pairs, skipping empty values because the
// TSDB drops them too: PostDeletion must reach the same hash from labels.Labels.
// Each string is hashed whole (no streaming digest) and the results mixed; a
// weak mix only costs a collision, which get's label comparison catches.
func hashLabels(ls []collectors.Label) uint64 {
	h := uint64(hashSeed)
	for i := range ls {
		if ls[i].Value != "" {
			h = mixPair(h, ls[i].Name, ls[i].Value)
		}
	}
	return h
}

func hashTSDBLabels(ls labels.Labels) uint64 {
	h := uint64(hashSeed)
	ls.Range(func(l labels.Label) { h = mixPair(h, l.Name, l.Value) })
	return h
}

const (
	hashSeed  = 0x9e3779b97f4a7c15
	hashPrime = 0x100000001b3
)

func mixPair(h uint64, name, value string) uint64 {
	h = (h ^ xxhash.Sum64String(name)) * hashPrime
	h = (h ^ xxhash.Sum64String(value)) * hashPrime
	return h ^ h>>29
}

func (c *refCache) get(h uint64, ls []collectors.Label) (storage.SeriesRef, bool) {
	sh := &c.shards[h%refShards]
	sh.mu.RLock()
	e, ok := sh.m[h]
	sh.mu.RUnlock()
	if !ok || !sameLabels(e.labels, ls) {
		return 0, false
	}
	return e.ref, true
}

func sameLabels(a, b []collectors.Label) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// put keeps the label slice itself: collectors.Sink makes label slices
// immutable, and a copy would cost ~500 bytes per active series.
func (c *refCache) put(h uint64, ref storage.SeriesRef, ls []collectors.Label) {
	e := refEntry{ref: ref, labels: ls}
	sh := &c.shards[h%refShards]
	sh.mu.Lock()
	sh.m[h] = e
	sh.mu.Unlock()
}

// drop removes h only while it still points at ref, so a concurrent put of a
// fresh ref for the same series is not lost.
func (c *refCache) drop(h uint64, ref storage.SeriesRef) {
	sh := &c.shards[h%refShards]
	sh.mu.Lock()
	if e, ok := sh.m[h]; ok && e.ref == ref {
		delete(sh.m, h)
	}
	sh.mu.Unlock()
}

func (c *refCache) len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}

// PreCreation allows every series; limits belong to the collectors.
func (*refCache) PreCreation(labels.Labels) error { return nil }

// PostCreation needs nothing: entries are added by the appender that knows the ref.
func (*refCache) PostCreation(labels.Labels) {}

// PostDeletion drops the refs that head GC removed.
func (c *refCache) PostDeletion(deleted map[chunks.HeadSeriesRef]labels.Labels) {
	for ref, ls := range deleted {
		c.drop(hashTSDBLabels(ls), storage.SeriesRef(ref))
	}
}
