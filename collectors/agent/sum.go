package agent

import (
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"

	"github.com/swanwatch/swanwatch/collectors"
)

// summedValuesMetric counts, per summed family and dropped label, how many
// distinct values were folded (for node_cpu_seconds_total/cpu: the vCPU count,
// which CPU utilisation needs once the per-CPU series are gone).
const summedValuesMetric = "agent_summed_label_values"

// summer folds one family's series over some labels, keeping insertion order
// so the emitted rounds are deterministic.
type summer struct {
	drop   []string
	order  []string
	groups map[string]*sumGroup
	seen   map[string]map[string]bool // dropped label -> distinct values
}

type sumGroup struct {
	kv  []string
	val float64
}

func newSummer(drop []string) *summer {
	return &summer{drop: drop, groups: map[string]*sumGroup{}, seen: map[string]map[string]bool{}}
}

// summable families are plain values; buckets and quantiles do not add up.
func summable(t dto.MetricType) bool {
	return t == dto.MetricType_COUNTER || t == dto.MetricType_GAUGE || t == dto.MetricType_UNTYPED
}

// add takes one series given as label pairs (already renamed by the emitter).
func (s *summer) add(kv []string, v float64) {
	kept := make([]string, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		if slices.Contains(s.drop, kv[i]) {
			s.note(kv[i], kv[i+1])
			continue
		}
		kept = append(kept, kv[i], kv[i+1])
	}
	key := strings.Join(kept, "\xff")
	g := s.groups[key]
	if g == nil {
		g = &sumGroup{kv: kept}
		s.groups[key] = g
		s.order = append(s.order, key)
	}
	g.val += v
}

func (s *summer) note(label, value string) {
	if s.seen[label] == nil {
		s.seen[label] = map[string]bool{}
	}
	s.seen[label][value] = true
}

// flush emits the sums and the distinct-value counts.
func (s *summer) flush(name string, emit collectors.Emit) {
	for _, key := range s.order {
		g := s.groups[key]
		emit(name, g.val, g.kv...)
	}
	for _, label := range s.drop {
		if n := len(s.seen[label]); n > 0 {
			emit(summedValuesMetric, float64(n), "family", name, "label", label)
		}
	}
}
