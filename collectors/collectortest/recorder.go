package collectortest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/collectors"
)

// Recorder is an Emit for one round that checks every call against the collector
// contract and keeps the series it saw.
type Recorder struct {
	target collectors.Target

	mu       sync.Mutex
	closed   bool
	series   map[string]float64
	problems []string
}

// NewRecorder returns a Recorder for a round on t.
func NewRecorder(t collectors.Target) *Recorder {
	return &Recorder{target: t, series: map[string]float64{}}
}

// Emit records one sample; it has the collectors.Emit signature.
func (r *Recorder) Emit(metric string, v float64, labels ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		r.problems = append(r.problems, fmt.Sprintf("emit(%q) after Collect returned", metric))
		return
	}
	key, problem := r.check(metric, labels)
	if problem == "" {
		if _, dup := r.series[key]; dup {
			problem = "series emitted twice in one round"
		}
	}
	if problem != "" {
		r.problems = append(r.problems, fmt.Sprintf("emit(%q, %q): %s", metric, labels, problem))
		return
	}
	r.series[key] = v
}

// check validates one call and returns its series key.
func (r *Recorder) check(metric string, labels []string) (string, string) {
	if !collectors.ValidMetricName(metric) || collectors.RunnerMetricName(metric) {
		return "", "invalid or reserved metric name"
	}
	if len(labels)%2 != 0 {
		return "", "odd number of label arguments"
	}
	pairs := make([]string, 0, len(labels)/2)
	seen := map[string]bool{}
	for i := 0; i < len(labels); i += 2 {
		name, value := labels[i], labels[i+1]
		switch {
		case !collectors.ValidLabelName(name) || collectors.ReservedLabelName(name):
			return "", fmt.Sprintf("invalid or reserved label name %q", name)
		case r.target.Labels[name] != "":
			return "", fmt.Sprintf("label %q clashes with a target label", name)
		case seen[name]:
			return "", fmt.Sprintf("label %q given twice", name)
		case !utf8.ValidString(value):
			return "", fmt.Sprintf("label %q value is not UTF-8", name)
		}
		seen[name] = true
		if value != "" {
			pairs = append(pairs, fmt.Sprintf("%s=%q", name, value))
		}
	}
	slices.Sort(pairs)
	return metric + "{" + strings.Join(pairs, ",") + "}", ""
}

// Close marks the end of Collect: any later emit is a contract violation.
func (r *Recorder) Close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
}

// Series returns the recorded series keys (name{label="value",...}), sorted.
func (r *Recorder) Series() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.series))
}

// Value returns the value recorded for a series key.
func (r *Recorder) Value(key string) (float64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.series[key]
	return v, ok
}

// Problems returns every contract violation seen so far.
func (r *Recorder) Problems() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.problems)
}
