package config

import (
	"cmp"
	"fmt"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// SLA is the service-level accounting (docs/sla.md §10): the shipped SLIs
// with their thresholds and targets, changed or extended here by name, and
// the business-hours calendars an SLI may be measured in. A change applies
// to the days closed after it; closed days keep the rules they were closed by.
type SLA struct {
	// SLIs: an entry with a shipped name (agent_online, link_latency, …)
	// changes the fields it sets, e.g. {name: link_latency, good: "<= 0.080"};
	// a new name is a new SLI and must set every field.
	SLIs      []sla.SLI      `yaml:"slis,omitempty"`
	Calendars []sla.Calendar `yaml:"calendars,omitempty"` // days 0 (Sunday) … 6, start and end HH:MM CST
}

// Effective is the shipped SLIs with the configured ones applied, shipped
// ones first in their order, new ones after in theirs.
func (s SLA) Effective() []sla.SLI {
	out := sla.DefaultSLIs()
	index := map[string]int{}
	for i, d := range out {
		index[d.Name] = i
	}
	for _, c := range s.SLIs {
		i, shipped := index[c.Name]
		if !shipped {
			index[c.Name] = len(out)
			out = append(out, c)
			continue
		}
		out[i] = overlay(out[i], c)
	}
	return out
}

// overlay sets on base the fields that c sets.
func overlay(base, c sla.SLI) sla.SLI {
	base.Title = cmp.Or(c.Title, base.Title)
	base.Requirement = cmp.Or(c.Requirement, base.Requirement)
	base.Entity = cmp.Or(c.Entity, base.Entity)
	base.Query = cmp.Or(c.Query, base.Query)
	base.EntityLabel = cmp.Or(c.EntityLabel, base.EntityLabel)
	base.Good = cmp.Or(c.Good, base.Good)
	base.Window = cmp.Or(c.Window, base.Window)
	base.Target = cmp.Or(c.Target, base.Target)
	base.Calendar = cmp.Or(c.Calendar, base.Calendar)
	return base
}

// CalendarByName returns the compiled calendar; the zero Calendar (always)
// for "".
func (s SLA) CalendarByName(name string) sla.Calendar {
	for _, c := range s.Calendars {
		if c.Name == name {
			return c
		}
	}
	return sla.Calendar{}
}

// sla compiles the calendars in place and checks every effective SLI.
func (c *collector) sla(s *SLA) {
	names := map[string]bool{}
	for i := range s.Calendars {
		path := fmt.Sprintf("sla.calendars[%d]", i)
		c.uniqueName(path+".name", "calendar", s.Calendars[i].Name, names)
		if err := s.Calendars[i].Compile(); err != nil {
			c.at(path, "%v", err)
		}
	}
	seen := map[string]bool{}
	for i, d := range s.SLIs {
		c.uniqueName(fmt.Sprintf("sla.slis[%d].name", i), "sli", d.Name, seen)
	}
	for _, d := range s.Effective() {
		if err := d.Validate(); err != nil {
			c.at("sla.slis", "%v", err)
		}
		if d.Calendar != "" && !names[d.Calendar] {
			c.at("sla.slis", "sli %s: calendar %q is not one of sla.calendars", d.Name, d.Calendar)
		}
	}
}
