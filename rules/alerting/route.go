package alerting

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// Alertmanager's defaults for the root route
// (https://prometheus.io/docs/alerting/latest/configuration/#route).
const (
	DefaultGroupWait      = 30 * time.Second
	DefaultGroupInterval  = 5 * time.Minute
	DefaultRepeatInterval = 4 * time.Hour
)

// GroupByAll as the sole group_by entry groups by every label.
const GroupByAll = "..."

// Route is one node of the routing tree, with Alertmanager's semantics: an
// alert enters at the root, descends into the first matching child (and on
// into later siblings while the matched child has Continue), and is handled
// by the deepest matching routes; unset fields are inherited from the parent.
type Route struct {
	Receiver       string        `yaml:"receiver,omitempty"`
	Matchers       Matchers      `yaml:"matchers,omitempty"`
	GroupBy        []string      `yaml:"group_by,omitempty"`
	GroupWait      time.Duration `yaml:"group_wait"` // no omitempty: 0s (at once) must survive a round trip
	GroupInterval  time.Duration `yaml:"group_interval,omitempty"`
	RepeatInterval time.Duration `yaml:"repeat_interval,omitempty"`
	Continue       bool          `yaml:"continue,omitempty"`
	// Escalation names the escalation policy (升级策略) of the incidents this
	// route handles; inherited; empty: they are announced but never escalate.
	Escalation string  `yaml:"escalation,omitempty"`
	Routes     []Route `yaml:"routes,omitempty"`

	id      string // path in the tree, part of group keys; set by Compile
	waitSet bool   // group_wait was written, so 0s means "at once", not "inherit"
}

// UnmarshalYAML notes whether group_wait was given: `group_wait: 0s` (notify
// at once, what a trap-detected fault wants) must not become the default.
func (r *Route) UnmarshalYAML(n *yaml.Node) error {
	type plain Route
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "group_wait" {
			r.waitSet = true
		}
	}
	return nil
}

// ID is the route's position in the tree ("0", "0.2.1"), stable while the
// configuration is unchanged.
func (r *Route) ID() string { return r.id }

// Compile validates the tree rooted at r, fills Alertmanager's defaults into
// the root and the inherited values into every child, and numbers the routes.
func (r *Route) Compile() error {
	if err := r.checkRoot(); err != nil {
		invalid("route")
		return fmt.Errorf("route: %w", err)
	}
	r.fillDefaults()
	if err := r.compile("0"); err != nil {
		invalid("route")
		return err
	}
	return nil
}

func (r *Route) checkRoot() error {
	switch {
	case r.Receiver == "":
		return errors.New("the root route needs a receiver")
	case len(r.Matchers) > 0:
		return errors.New("the root route must not have matchers: every alert enters there")
	case r.Continue:
		return errors.New("the root route cannot have continue")
	}
	return nil
}

func (r *Route) fillDefaults() {
	if r.GroupWait == 0 && !r.waitSet {
		r.GroupWait = DefaultGroupWait
	}
	if r.GroupInterval == 0 {
		r.GroupInterval = DefaultGroupInterval
	}
	if r.RepeatInterval == 0 {
		r.RepeatInterval = DefaultRepeatInterval
	}
}

func (r *Route) compile(id string) error {
	r.id = id
	if err := r.check(); err != nil {
		return fmt.Errorf("route %s: %w", id, err)
	}
	for i := range r.Routes {
		c := &r.Routes[i]
		c.inherit(r)
		if err := c.compile(id + "." + strconv.Itoa(i)); err != nil {
			return err
		}
	}
	return nil
}

func (r *Route) check() error {
	if r.GroupWait < 0 || r.GroupInterval <= 0 || r.RepeatInterval <= 0 {
		return errors.New("group_wait must not be negative, group_interval and repeat_interval must be positive")
	}
	for _, l := range r.GroupBy {
		if l == GroupByAll && len(r.GroupBy) > 1 {
			return errors.New(`group_by "..." must be the only label`)
		}
		if l != GroupByAll && !labelmatch.ValidName(l) {
			return fmt.Errorf("group_by: invalid label name %q", l)
		}
	}
	return nil
}

// inherit copies the parent's values into the fields r leaves unset.
func (r *Route) inherit(p *Route) {
	if r.Receiver == "" {
		r.Receiver = p.Receiver
	}
	if r.GroupBy == nil {
		r.GroupBy = p.GroupBy
	}
	if r.GroupWait == 0 && !r.waitSet {
		r.GroupWait = p.GroupWait
	}
	if r.Escalation == "" {
		r.Escalation = p.Escalation
	}
	if r.GroupInterval == 0 {
		r.GroupInterval = p.GroupInterval
	}
	if r.RepeatInterval == 0 {
		r.RepeatInterval = p.RepeatInterval
	}
}

// Match returns the routes that handle the alert: the deepest matching ones,
// in tree order; nil when r itself does not match.
func (r *Route) Match(a Alert) []*Route {
	return r.match(a.Labels)
}

func (r *Route) match(labels map[string]string) []*Route {
	if !r.Matchers.Matches(labels) {
		return nil
	}
	var all []*Route
	for i := range r.Routes {
		c := &r.Routes[i]
		got := c.match(labels)
		all = append(all, got...)
		if got != nil && !c.Continue {
			break
		}
	}
	if len(all) == 0 {
		all = append(all, r)
	}
	return all
}
