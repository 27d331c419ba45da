package device

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// round is one Collect of one target: the profile, the target's state and
// the emit of this round.
type round struct {
	c    *Collector
	t    collectors.Target
	p    *Profile
	st   *targetState
	emit collectors.Emit
	now  time.Time
	env  tplEnv // params, target name and time; drivers add raw, index, item, col
}

// put emits metric m for the raw value r. env carries the per-value
// variables ({{index}}, {{item.*}}, {{col.*}}); nil means none.
func (r *round) put(m *Metric, raw rawValue, env *tplEnv) error {
	v, kv, err := r.series(m, raw, env)
	if err != nil {
		return err
	}
	r.emit(m.Name, v, kv...)
	return nil
}

// series computes the value and labels of metric m for raw value r, and
// makes a counter monotonic.
func (r *round) series(m *Metric, raw rawValue, env *tplEnv) (float64, []string, error) {
	v, err := m.value(raw)
	if err != nil {
		mBadValues.Inc()
		return 0, nil, fmt.Errorf("%s: %w", m.Name, err)
	}
	e := r.env
	if env != nil {
		e.index, e.item, e.col = env.index, env.item, env.col
	}
	e.raw = raw.String()
	kv := make([]string, 0, 2*len(m.Labels))
	for _, name := range m.labelNames {
		kv = append(kv, name, r.labelValue(m.Labels[name], &e))
	}
	if m.Counter != "" {
		if v < 0 {
			mBadValues.Inc()
			return 0, nil, fmt.Errorf("%s: %w: a counter read %v", m.Name, ErrBadAnswer, v)
		}
		v = r.st.counter(m.Name+"\x00"+strings.Join(kv, "\x00")).next(v, m.Counter, r.now)
	}
	return v, kv, nil
}

// labelValue renders a label and looks it up in its param map.
func (r *round) labelValue(l LabelSpec, e *tplEnv) string {
	v := l.tmpl.render(e, nil)
	if l.ParamMap != "" {
		v = lookupParamMap(r.t.Params[l.ParamMap], v)
	}
	if v == "" {
		v = l.Default
	}
	return clip(v)
}

// lookupParamMap finds key in a "key=value,key=value" param.
func lookupParamMap(param, key string) string {
	for _, pair := range strings.Split(param, ",") {
		k, v, ok := strings.Cut(pair, "=")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// missing handles a metric whose raw value is absent: quietly for an
// optional metric, else as the round's error.
func missing(m *Metric, what string) error {
	if m.Optional {
		return nil
	}
	mBadValues.Inc()
	return fmt.Errorf("%s: %w: %s is missing", m.Name, ErrBadAnswer, what)
}

// joinErrs keeps at most a few errors of a round, so that a device that
// answers garbage everywhere still gets a readable message.
func joinErrs(errs []error) error {
	const max = 3
	var keep []error
	for _, e := range errs {
		if e != nil {
			keep = append(keep, e)
		}
	}
	if len(keep) > max {
		keep = append(keep[:max], fmt.Errorf("and %d more", len(keep)-max))
	}
	return errors.Join(keep...)
}
