package config

import (
	"fmt"

	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// oncall checks rosters, escalation policies and heightened watches, and that
// every name they use exists: a policy's rosters and people, the receivers of
// its steps, the policies the routes name.
func (c *collector) oncall(a *Alerting, receivers map[string]bool) {
	dir := c.rosters(a.Rosters)
	policies := map[string]bool{}
	for i, p := range a.EscalationPolicies {
		path := fmt.Sprintf("alerting.escalation_policies[%d]", i)
		if p == nil {
			c.at(path, "empty escalation policy")
			continue
		}
		if err := p.Validate(); err != nil {
			c.at(path, "%v", err)
			continue
		}
		if policies[p.Name] {
			c.at(path+".name", "escalation policy %q is defined twice", p.Name)
		}
		policies[p.Name] = true
		c.steps(path, p.Steps, receivers)
		if dir != nil {
			if err := dir.Check(p); err != nil {
				c.at(path, "%v", err)
			}
		}
	}
	for i := range a.Watches {
		path := fmt.Sprintf("alerting.watches[%d]", i)
		if err := a.Watches[i].Validate(); err != nil {
			c.at(path, "%v", err)
			continue
		}
		c.steps(path, a.Watches[i].Steps, receivers)
	}
	if a.Route != nil {
		c.routePolicies(a.Route, "alerting.route", policies)
	}
}

// rosters validates the rosters and indexes them; nil when they do not hold together.
func (c *collector) rosters(rs []*oncall.Roster) *oncall.Directory {
	ok := true
	for i, r := range rs {
		path := fmt.Sprintf("alerting.rosters[%d]", i)
		if r == nil {
			c.at(path, "empty roster")
			ok = false
		} else if err := r.Validate(); err != nil {
			c.at(path, "%v", err)
			ok = false
		}
	}
	if !ok {
		return nil
	}
	dir, err := oncall.NewDirectory(rs...)
	if err != nil {
		c.at("alerting.rosters", "%v", err)
		return nil
	}
	return dir
}

// steps checks that escalation steps page over defined receivers.
func (c *collector) steps(path string, steps []oncall.Step, receivers map[string]bool) {
	for i, s := range steps {
		for _, ch := range s.Channels {
			if !receivers[ch] {
				c.at(fmt.Sprintf("%s.steps[%d].channels", path, i), "receiver %q is not defined in alerting.receivers", ch)
			}
		}
	}
}

func (c *collector) routePolicies(r *alerting.Route, path string, policies map[string]bool) {
	if r.Escalation != "" && !policies[r.Escalation] {
		c.at(path+".escalation", "escalation policy %q is not defined in alerting.escalation_policies", r.Escalation)
	}
	for i := range r.Routes {
		c.routePolicies(&r.Routes[i], fmt.Sprintf("%s.routes[%d]", path, i), policies)
	}
}
