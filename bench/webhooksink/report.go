package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Report is what `webhooksink report` prints.
type Report struct {
	Posts        int                `json:"posts"`
	DistinctKeys int                `json:"distinct_keys"`
	BadPosts     int                `json:"bad_posts"`
	AlertStates  Repeats            `json:"alert_states"` // per (fingerprint, status)
	StepStates   Repeats            `json:"step_states"`  // per (swanwatch.incident_id, step, status) of a payload
	Incidents    *IncidentCheck     `json:"incidents,omitempty"`
	Latency      map[string]Latency `json:"latency,omitempty"` // per path of the sends file
	Problems     []string           `json:"problems"`
	OK           bool               `json:"ok"`
}

// Repeats counts how often the same thing was announced: raw POSTs and
// distinct Idempotency-Keys, since a receiver that honours the key drops the
// repeats of one key.
type Repeats struct {
	Distinct      int `json:"distinct"`
	MaxPosts      int `json:"max_posts"`
	MaxKeys       int `json:"max_keys"`
	OverPosts     int `json:"over_limit_posts"` // announced more than 1+max-dup times
	OverKeys      int `json:"over_limit_keys"`
	WithRepeat    int `json:"with_repeat_posts"` // announced more than once
	WithRepeatKey int `json:"with_repeat_keys"`
}

// counter accumulates Repeats per unit.
type counter map[string]*struct {
	posts int
	keys  map[string]bool
}

func (c counter) add(unit, key string) {
	e := c[unit]
	if e == nil {
		e = &struct {
			posts int
			keys  map[string]bool
		}{keys: map[string]bool{}}
		c[unit] = e
	}
	e.posts++
	e.keys[key] = true
}

func (c counter) summary(maxDup int) Repeats {
	r := Repeats{Distinct: len(c)}
	for _, e := range c {
		r.MaxPosts, r.MaxKeys = max(r.MaxPosts, e.posts), max(r.MaxKeys, len(e.keys))
		r.OverPosts += b2i(e.posts > 1+maxDup)
		r.OverKeys += b2i(len(e.keys) > 1+maxDup)
		r.WithRepeat += b2i(e.posts > 1)
		r.WithRepeatKey += b2i(len(e.keys) > 1)
	}
	return r
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readLog reads the sink's JSON lines in arrival order.
func readLog(r io.Reader) ([]Record, error) {
	var out []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 2*maxBody)
	for n := 1; sc.Scan(); n++ {
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("log line %d: %w", n, err)
		}
		out = append(out, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Record) int { return a.At.Compare(b.At) })
	return out, nil
}

// countRepeats fills the post, key and repeat figures of rep.
func countRepeats(rep *Report, recs []Record, maxDup int) {
	alerts, steps, keys := counter{}, counter{}, map[string]bool{}
	for _, r := range recs {
		rep.Posts++
		if r.Error != "" {
			rep.BadPosts++
			continue
		}
		keys[r.Key] = true
		if r.Incident != 0 {
			steps.add(fmt.Sprintf("%d/%d/%s", r.Incident, r.Step, r.Status), r.Key)
		}
		for _, a := range r.Alerts {
			alerts.add(a.Fingerprint+"/"+a.Status, r.Key)
		}
	}
	delete(keys, "")
	rep.DistinctKeys = len(keys)
	rep.AlertStates, rep.StepStates = alerts.summary(maxDup), steps.summary(maxDup)
}

// Latency is the distribution of send → first webhook arrival, in seconds.
type Latency struct {
	N       int     `json:"n"`
	Missing int     `json:"missing"` // sent but never announced
	Min     float64 `json:"min"`
	P50     float64 `json:"p50"`
	P90     float64 `json:"p90"`
	P99     float64 `json:"p99"`
	Max     float64 `json:"max"`
}

// summarize computes the nearest-rank percentiles of ds.
func summarize(ds []time.Duration, missing int) Latency {
	l := Latency{N: len(ds), Missing: missing}
	if len(ds) == 0 {
		return l
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return s[max(i, 0)].Seconds()
	}
	l.Min, l.P50, l.P90, l.P99, l.Max = s[0].Seconds(), at(0.5), at(0.9), at(0.99), s[len(s)-1].Seconds()
	return l
}
