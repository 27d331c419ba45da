package agent

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/swanwatch/swanwatch/collectors"
)

// emitBody parses a text exposition and emits the kept families. A malformed
// body fails the whole round: half an exposition would look like vanished series.
func (c *Collector) emitBody(body []byte, t collectors.Target, emit collectors.Emit) error {
	kept := c.getBuf()
	defer c.putBuf(kept)
	kept.Write(c.keep.prefilter(kept.AvailableBuffer(), body))
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(kept)
	if err != nil {
		return fail(reasonParse, parseError(body, err))
	}
	e := emitter{emit: emit, t: t, kv: make([]string, 0, 16)}
	for name, mf := range fams {
		if !c.keep.match(name) {
			continue
		}
		c.meta.note(name, mf)
		if drop := c.cfg.SumWithout[name]; len(drop) > 0 && summable(mf.GetType()) {
			e.summed(name, mf, newSummer(drop))
			continue
		}
		for _, m := range mf.GetMetric() {
			e.metric(name, mf.GetType(), m)
		}
	}
	return nil
}

// parseError names the line and quotes it (shortened), so an operator can find
// it in the agent's output.
func parseError(body []byte, err error) error {
	var pe expfmt.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("parse exposition: %w", err)
	}
	line := lineAt(body, pe.Line)
	if len(line) > 120 {
		line = line[:120] + "…"
	}
	return fmt.Errorf("parse exposition: line %d: %s: %q", pe.Line, pe.Msg, line)
}

func lineAt(body []byte, n int) string {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(body, '\n')
		if j < 0 {
			return ""
		}
		body = body[j+1:]
	}
	if j := bytes.IndexByte(body, '\n'); j >= 0 {
		body = body[:j]
	}
	return string(body)
}

// emitter turns parsed metrics into emit calls, reusing one label buffer.
type emitter struct {
	emit collectors.Emit
	t    collectors.Target
	kv   []string
}

func (e *emitter) metric(name string, typ dto.MetricType, m *dto.Metric) {
	e.labels(m.GetLabel())
	switch typ {
	case dto.MetricType_COUNTER:
		e.emit(name, m.GetCounter().GetValue(), e.kv...)
	case dto.MetricType_GAUGE:
		e.emit(name, m.GetGauge().GetValue(), e.kv...)
	case dto.MetricType_SUMMARY:
		e.summary(name, m.GetSummary())
	case dto.MetricType_HISTOGRAM, dto.MetricType_GAUGE_HISTOGRAM:
		e.histogram(name, m.GetHistogram())
	default:
		e.emit(name, m.GetUntyped().GetValue(), e.kv...)
	}
}

// summed emits a family folded over its sum_without labels.
func (e *emitter) summed(name string, mf *dto.MetricFamily, s *summer) {
	for _, m := range mf.GetMetric() {
		e.labels(m.GetLabel())
		s.add(e.kv, plainValue(mf.GetType(), m))
	}
	s.flush(name, e.emit)
}

func plainValue(t dto.MetricType, m *dto.Metric) float64 {
	switch t {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue()
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue()
	}
	return m.GetUntyped().GetValue()
}

func (e *emitter) summary(name string, s *dto.Summary) {
	n := len(e.kv)
	for _, q := range s.GetQuantile() {
		e.emit(name, q.GetValue(), append(e.kv[:n], "quantile", formatBound(q.GetQuantile()))...)
	}
	e.emit(name+"_sum", s.GetSampleSum(), e.kv[:n]...)
	e.emit(name+"_count", float64(s.GetSampleCount()), e.kv[:n]...)
}

func (e *emitter) histogram(name string, h *dto.Histogram) {
	n := len(e.kv)
	inf := false
	for _, b := range h.GetBucket() {
		inf = inf || math.IsInf(b.GetUpperBound(), 1)
		e.emit(name+"_bucket", float64(b.GetCumulativeCount()), append(e.kv[:n], "le", formatBound(b.GetUpperBound()))...)
	}
	if !inf { // the +Inf bucket is implied by _count
		e.emit(name+"_bucket", float64(h.GetSampleCount()), append(e.kv[:n], "le", "+Inf")...)
	}
	e.emit(name+"_sum", h.GetSampleSum(), e.kv[:n]...)
	e.emit(name+"_count", float64(h.GetSampleCount()), e.kv[:n]...)
}

// labels fills e.kv with the exposition labels; a label that clashes with a
// target label is kept as exported_<name>, as Prometheus does without honor_labels
// (prefixed again while that name is taken too).
func (e *emitter) labels(ls []*dto.LabelPair) {
	e.kv = e.kv[:0]
	for _, l := range ls {
		name := l.GetName()
		if e.targetLabel(name) {
			name = "exported_" + name
			for e.targetLabel(name) || hasLabel(ls, name) {
				name = "exported_" + name
			}
		}
		e.kv = append(e.kv, name, l.GetValue())
	}
}

func (e *emitter) targetLabel(name string) bool {
	return name == collectors.LabelKind || name == collectors.LabelInstance || e.t.Labels[name] != ""
}

func hasLabel(ls []*dto.LabelPair, name string) bool {
	for _, l := range ls {
		if l.GetName() == name {
			return true
		}
	}
	return false
}

// formatBound renders le and quantile values as Prometheus 3 normalises them
// ("1" becomes "1.0"), so that series match what Prometheus itself would store.
func formatBound(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eN") {
		s += ".0"
	}
	return s
}
