package agent

import (
	"strings"
	"sync"

	dto "github.com/prometheus/client_model/go"
)

// keepSet matches family names against the keep-list: exact names, and
// `prefix*` patterns.
type keepSet struct {
	exact    map[string]struct{}
	prefixes []string
}

func newKeepSet(keep []string) keepSet {
	k := keepSet{exact: make(map[string]struct{}, len(keep))}
	for _, s := range keep {
		if p, ok := strings.CutSuffix(s, "*"); ok {
			k.prefixes = append(k.prefixes, p)
			continue
		}
		k.exact[s] = struct{}{}
	}
	return k
}

func (k keepSet) match(name string) bool {
	if _, ok := k.exact[name]; ok {
		return true
	}
	for _, p := range k.prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Meta is the metadata of one metric family, as /api/v1/metadata returns it.
type Meta struct {
	Type string `json:"type"` // counter, gauge, summary, histogram, gaugehistogram, unknown
	Help string `json:"help"`
}

// maxMeta bounds the metadata map: a prefix pattern on a misbehaving agent must
// not grow it without end.
const maxMeta = 10000

// metaStore is shared by every round; most rounds only read it.
type metaStore struct {
	mu sync.RWMutex
	m  map[string]Meta
}

var metaTypes = map[dto.MetricType]string{
	dto.MetricType_COUNTER: "counter", dto.MetricType_GAUGE: "gauge", dto.MetricType_SUMMARY: "summary",
	dto.MetricType_HISTOGRAM: "histogram", dto.MetricType_GAUGE_HISTOGRAM: "gaugehistogram",
	dto.MetricType_UNTYPED: "unknown",
}

func (s *metaStore) note(name string, mf *dto.MetricFamily) {
	meta := Meta{Type: metaTypes[mf.GetType()], Help: mf.GetHelp()}
	s.mu.RLock()
	old, ok := s.m[name]
	s.mu.RUnlock()
	if ok && old == meta {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.m[name]; exists || len(s.m) < maxMeta {
		s.m[name] = meta
	}
}

func (s *metaStore) snapshot() map[string]Meta {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]Meta, len(s.m))
	for k, v := range s.m {
		out[k] = v
	}
	return out
}
