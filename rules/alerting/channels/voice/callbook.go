package voice

import (
	"sync"
	"time"
)

// A call report may come an hour after the call (ringing, retries by the
// provider); a day covers it. The bound keeps a flood of calls from growing
// memory: the oldest entries go first.
const (
	callMemory = 24 * time.Hour
	maxCalls   = 20000
)

// callBook maps a provider's call id to the person's call reference, for
// providers whose reports carry only their own id (Tencent; a generic
// gateway with call_id_field).
type callBook struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	refs  map[string]string
	at    map[string]time.Time
	order []string // insertion order, for eviction
}

func newCallBook(ttl time.Duration, max int) *callBook {
	return &callBook{ttl: ttl, max: max, now: time.Now, refs: map[string]string{}, at: map[string]time.Time{}}
}

func (b *callBook) put(id, ref string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.refs[id]; !ok {
		b.order = append(b.order, id)
	}
	b.refs[id], b.at[id] = ref, b.now()
	for len(b.refs) > b.max || (len(b.order) > 0 && b.expired(b.order[0])) {
		b.drop(b.order[0])
		b.order = b.order[1:]
	}
}

// get returns the reference of a live call id.
func (b *callBook) get(id string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ref, ok := b.refs[id]
	if !ok || b.expired(id) {
		return "", false
	}
	return ref, true
}

func (b *callBook) expired(id string) bool { return b.now().Sub(b.at[id]) > b.ttl }

func (b *callBook) drop(id string) {
	delete(b.refs, id)
	delete(b.at, id)
}
