// Package eventrules owns event rules: matching events (SNMP traps, syslog
// lines, collector state changes) as they arrive and raising or resolving
// alerts at once, without the evaluation interval PromQL rules wait for. It
// holds the rule file format, the shipped event pack and the engine that
// keeps the active event alerts.
package eventrules

import (
	"fmt"
	"regexp"
	"slices"
	"text/template"
	"time"

	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Rule is one compiled event rule.
type Rule struct {
	Alert        string            // alertname
	Match        alerting.Matchers // an event that raises (or refreshes) the alert
	Text         *regexp.Regexp    // optional: the event text must match too
	Key          []string          // labels that identify one alert of this rule
	ResolveOn    alerting.Matchers // an event with the same key that resolves it
	ResolveAfter time.Duration     // or: quiet time after which it resolves itself
	Flap         *Flap             // set: counts state changes instead (flap.go)
	Burst        *Burst            // set: raises on N matching events within a window (burst.go)
	Labels       map[string]string // added to the alert; they win over event labels
	Annotations  map[string]*template.Template

	annotationSrc map[string]string // raw text, shown when a template fails
}

// at is a YAML value with the line it came from, so a semantic problem
// (bad matcher, bad template) points at the right line as a syntax one does.
type at[T any] struct {
	V    T
	Line int
}

func (a *at[T]) UnmarshalYAML(n *yaml.Node) error {
	a.Line = n.Line
	return n.Decode(&a.V)
}

// ruleYAML is one rule as written; unknown fields are errors.
type ruleYAML struct {
	Alert        at[string]            `yaml:"alert"`
	Match        at[string]            `yaml:"match"`
	Text         at[string]            `yaml:"text"`
	Key          at[[]string]          `yaml:"key"`
	ResolveOn    at[string]            `yaml:"resolve_on"`
	ResolveAfter at[string]            `yaml:"resolve_after"`
	Labels       at[map[string]string] `yaml:"labels"`
	Annotations  at[map[string]string] `yaml:"annotations"`
	Flap         at[*flapYAML]         `yaml:"flap"`
	Burst        at[*burstYAML]        `yaml:"burst"`
}

type fileYAML struct {
	EventRules []ruleYAML `yaml:"event_rules"`
}

// defaultLines points fields that are absent at the rule's first line.
func (y *ruleYAML) defaultLines(line int) {
	for _, l := range []*int{&y.Alert.Line, &y.Match.Line, &y.Text.Line, &y.Key.Line,
		&y.ResolveOn.Line, &y.ResolveAfter.Line, &y.Labels.Line, &y.Annotations.Line, &y.Flap.Line, &y.Burst.Line} {
		if *l == 0 {
			*l = line
		}
	}
}

// compile turns one written rule into a Rule; every error carries its line.
func (y ruleYAML) compile(file string) (Rule, []error) {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	r := Rule{Alert: y.Alert.V, Key: y.Key.V, Labels: y.Labels.V}
	if !model.UTF8Validation.IsValidMetricName(r.Alert) || r.Alert == "" {
		fail(y.Alert.Line, "alert %q: invalid or missing alert name", r.Alert)
	}
	r.Match = matchers(y.Match, "match", true, fail)
	r.ResolveOn = matchers(y.ResolveOn, "resolve_on", false, fail)
	r.Text = textRegexp(y.Text, fail)
	r.ResolveAfter = duration(y.ResolveAfter, fail)
	r.Flap = compileFlap(y, fail)
	r.Burst = compileBurst(y, fail)
	if r.ResolveOn == nil && r.ResolveAfter == 0 {
		fail(y.Alert.Line, "alert %s: needs resolve_on or resolve_after, or it would never resolve", r.Alert)
	}
	checkLabelNames(y, fail)
	r.Annotations = templates(y.Annotations, fail)
	r.annotationSrc = y.Annotations.V
	return r, errs
}

type failFunc func(line int, format string, args ...any)

func matchers(v at[string], field string, required bool, fail failFunc) alerting.Matchers {
	if v.V == "" {
		if required {
			fail(v.Line, "%s: missing label matchers", field)
		}
		return nil
	}
	ms, err := alerting.ParseMatchers(v.V)
	if err != nil {
		fail(v.Line, "%s: %v", field, err)
		return nil
	}
	if len(ms) == 0 {
		fail(v.Line, "%s: no label matchers: it would match every event", field)
	}
	return ms
}

func textRegexp(v at[string], fail failFunc) *regexp.Regexp {
	if v.V == "" {
		return nil
	}
	re, err := regexp.Compile(v.V)
	if err != nil {
		fail(v.Line, "text: %v", err)
	}
	return re
}

func duration(v at[string], fail failFunc) time.Duration {
	if v.V == "" {
		return 0
	}
	d, err := model.ParseDuration(v.V)
	if err != nil || d <= 0 {
		fail(v.Line, "resolve_after %q: want a positive duration such as 30m", v.V)
		return 0
	}
	return time.Duration(d)
}

func checkLabelNames(y ruleYAML, fail failFunc) {
	for _, k := range y.Key.V {
		if !model.UTF8Validation.IsValidLabelName(k) {
			fail(y.Key.Line, "key: invalid label name %q", k)
		}
	}
	if slices.Contains(y.Key.V, model.AlertNameLabel) {
		fail(y.Key.Line, "key: %s is implied, do not list it", model.AlertNameLabel)
	}
	for k := range y.Labels.V {
		if !model.UTF8Validation.IsValidLabelName(k) || k == model.AlertNameLabel {
			fail(y.Labels.Line, "labels: invalid label name %q", k)
		}
	}
}
