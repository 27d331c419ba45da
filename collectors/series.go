package collectors

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Reasons a sample is dropped: the bounded `reason` label of
// swanwatch_collector_dropped_samples_total.
const (
	dropOddLabels   = "odd_labels"
	dropMetricName  = "bad_metric_name"
	dropLabelName   = "bad_label_name"
	dropLabelValue  = "bad_label_value"
	dropLabelClash  = "label_clash"
	dropDuplicate   = "duplicate_series"
	dropAfterReturn = "emit_after_return"
)

var dropReasons = []string{dropOddLabels, dropMetricName, dropLabelName, dropLabelValue,
	dropLabelClash, dropDuplicate, dropAfterReturn}

// series is one series of a target. Its label slice is built and sorted once and
// never changed afterwards, so samples of many rounds can share it.
type series struct {
	labels  []Label
	rawKeys []string // emit-call keys that resolve to this series
	seen    uint64   // round in which it was last emitted
	live    bool     // the sink holds a real (non-stale) value from the last round
}

// seriesSet is the emit path of one target: the series of its last round (for
// staleness markers) and the reusable buffers of the current round. Emit may be
// called from several goroutines of one Collect, hence the mutex.
type seriesSet struct {
	tlabels  []Label
	byRaw    map[string]*series // key of the emit call (metric + pairs as given)
	byLabels map[string]*series // key of the sorted label set
	own      []*series          // up, collect_duration_seconds, collect_samples
	ownLive  bool
	onDrop   func(reason string)

	mu        sync.Mutex
	open      bool
	round     uint64
	key       []byte
	samples   []Sample
	accepted  int
	drops     int
	firstDrop string
}

func newSeriesSet(tlabels []Label, onDrop func(string)) *seriesSet {
	s := &seriesSet{tlabels: tlabels, onDrop: onDrop,
		byRaw: map[string]*series{}, byLabels: map[string]*series{}}
	for _, m := range []string{MetricUp, MetricCollectDuration, MetricCollectSamples} {
		s.own = append(s.own, &series{labels: withName(tlabels, m)})
	}
	return s
}

// withName returns the sorted target labels plus __name__.
func withName(tlabels []Label, metric string) []Label {
	ls := append(slices.Clone(tlabels), Label{Name: "__name__", Value: metric})
	slices.SortFunc(ls, cmpLabel)
	return slices.Clip(ls)
}

func cmpLabel(a, b Label) int { return strings.Compare(a.Name, b.Name) }

// begin opens a round: emit calls are accepted until end.
func (s *seriesSet) begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.round++
	s.open = true
	s.samples = s.samples[:0]
	s.accepted, s.drops, s.firstDrop = 0, 0, ""
}

// end closes the round: a collector that emits after Collect returned breaks the
// contract, and its samples are dropped and counted instead of racing the sink.
func (s *seriesSet) end() {
	s.mu.Lock()
	s.open = false
	s.mu.Unlock()
}

// emit is the Emit handed to the collector for one round.
func (s *seriesSet) emit(metric string, v float64, kv ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if reason := s.add(metric, v, kv); reason != "" {
		s.drops++
		if s.firstDrop == "" {
			s.firstDrop = reason + " (" + metric + ")"
		}
		s.onDrop(reason)
	}
}

func (s *seriesSet) add(metric string, v float64, kv []string) string {
	if !s.open {
		return dropAfterReturn
	}
	if len(kv)%2 != 0 {
		return dropOddLabels
	}
	s.key = appendKey(s.key[:0], metric, kv)
	e := s.byRaw[string(s.key)]
	if e == nil {
		var reason string
		if e, reason = s.lookup(metric, kv); reason != "" {
			return reason
		}
	}
	if e.seen == s.round {
		return dropDuplicate
	}
	e.seen = s.round
	if IsStaleNaN(v) { // only the Runner may mark a series stale
		v = math.NaN()
	}
	s.samples = append(s.samples, Sample{Labels: e.labels, Value: v})
	s.accepted++
	return ""
}

// lookup builds the label set of a new emit key and files it under both keys, so
// that pairs given in another order still find (and de-duplicate) one series.
func (s *seriesSet) lookup(metric string, kv []string) (*series, string) {
	labels, reason := s.build(metric, kv)
	if reason != "" {
		return nil, reason
	}
	raw := string(s.key)
	canon := string(s.appendOwnLabelsKey(nil, labels))
	e := s.byLabels[canon]
	if e == nil {
		e = &series{labels: labels}
		s.byLabels[canon] = e
	}
	e.rawKeys = append(e.rawKeys, raw)
	s.byRaw[raw] = e
	return e, ""
}

// build validates one emit call and returns its sorted labels, target labels included.
func (s *seriesSet) build(metric string, kv []string) ([]Label, string) {
	if !ValidMetricName(metric) || RunnerMetricName(metric) {
		return nil, dropMetricName
	}
	labels := make([]Label, 0, len(s.tlabels)+1+len(kv)/2)
	labels = append(labels, s.tlabels...)
	labels = append(labels, Label{Name: "__name__", Value: metric})
	for i := 0; i < len(kv); i += 2 {
		name, value := kv[i], kv[i+1]
		switch {
		case !ValidLabelName(name) || strings.HasPrefix(name, "__"):
			return nil, dropLabelName
		case !utf8.ValidString(value):
			return nil, dropLabelValue
		case value == "": // Prometheus treats an empty value as an absent label
			continue
		}
		labels = append(labels, Label{Name: name, Value: value})
	}
	slices.SortFunc(labels, cmpLabel)
	for i := 1; i < len(labels); i++ {
		if labels[i].Name == labels[i-1].Name {
			return nil, dropLabelClash
		}
	}
	return slices.Clip(labels), ""
}

// appendKey encodes an emit call with length prefixes, so no label value can
// forge the key of another series.
func appendKey(b []byte, metric string, kv []string) []byte {
	b = appendString(b, metric)
	for _, x := range kv {
		b = appendString(b, x)
	}
	return b
}

// appendOwnLabelsKey encodes the labels the collector chose, leaving out the
// target's own (the same on every series of the set), so the canonical key of a
// series costs tens of bytes rather than hundreds.
func (s *seriesSet) appendOwnLabelsKey(b []byte, ls []Label) []byte {
	for _, l := range ls {
		if !slices.Contains(s.tlabels, l) {
			b = appendString(appendString(b, l.Name), l.Value)
		}
	}
	return b
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}
