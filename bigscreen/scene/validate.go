package scene

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

const (
	minRefresh = time.Second
	maxRefresh = 24 * time.Hour
	maxLimit   = 1000
)

var (
	sceneIDPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	sceneLabelName   = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	sceneKnownFormat = map[string]bool{"": true, "percent": true, "number": true, "bps": true, "bytes": true,
		"seconds": true, "ms": true, "duration": true}
	sceneKnownState = map[string]bool{"ok": true, "warn": true, "bad": true}
	sceneKnownSort  = map[string]bool{"": true, "asc": true, "desc": true}
)

// sceneSources lists, per panel type, the sources it may take ("" = a query).
var sceneSources = map[string][]string{
	PanelKPI:      {"", SourceIncidentStats},
	PanelGauge:    {""},
	PanelMap:      {""},
	PanelRanking:  {""},
	PanelTable:    {""},
	PanelBoard:    {SourceIncidents},
	PanelTopology: {SourceTopology},
	PanelDuty:     {SourceDuty},
	PanelCameras:  {SourceCameras},
	PanelPlan:     {""},
}

// Validate fills in defaults (Refresh) and reports every problem of defs,
// each query through check when it is not nil. The evaluator validates its
// copy again: a scene built in code passes the same rules as a file.
func Validate(defs []Def, check QueryCheck) error {
	return validate(defs, nil, check)
}

// validate is Validate; lines, when given, place each message at file:line.
func validate(defs []Def, lines []sceneLines, check QueryCheck) error {
	var errs []error
	seen := map[string]bool{}
	for i := range defs {
		where := func(panel int) string {
			if i < len(lines) {
				return lines[i].at(panel)
			}
			return fmt.Sprintf("scene %q", defs[i].ID)
		}
		if seen[defs[i].ID] {
			errs = append(errs, fmt.Errorf("%s: scene id %q is used twice", where(-1), defs[i].ID))
		}
		seen[defs[i].ID] = true
		errs = append(errs, validateScene(&defs[i], where, check))
	}
	if err := errors.Join(errs...); err != nil {
		sceneInvalid("validate")
		return err
	}
	return nil
}

func validateScene(d *Def, where func(panel int) string, check QueryCheck) error {
	var errs []error
	if !sceneIDPattern.MatchString(d.ID) {
		errs = append(errs, fmt.Errorf("%s: scene id %q must be lower-case letters, digits, - or _", where(-1), d.ID))
	}
	if d.Title == "" {
		errs = append(errs, fmt.Errorf("%s: scene %q has no title", where(-1), d.ID))
	}
	if len(d.Panels) == 0 {
		errs = append(errs, fmt.Errorf("%s: scene %q has no panels", where(-1), d.ID))
	}
	ids := map[string]bool{}
	var grid [GridRows][GridColumns]string
	for i := range d.Panels {
		p := &d.Panels[i]
		if p.Refresh == 0 {
			p.Refresh = DefaultRefresh
		}
		var perr []error
		if ids[p.ID] {
			perr = append(perr, fmt.Errorf("id %q is used twice in the scene", p.ID))
		}
		ids[p.ID] = true
		perr = append(perr, validatePanel(p, check)...)
		perr = append(perr, placePanel(&grid, p)...)
		for _, e := range perr {
			errs = append(errs, fmt.Errorf("%s: panel %q: %w", where(i), p.ID, e))
		}
	}
	return errors.Join(errs...)
}

func validatePanel(p *Panel, check QueryCheck) []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !sceneIDPattern.MatchString(p.ID) {
		add("id must be lower-case letters, digits, - or _")
	}
	if p.Title == "" {
		add("no title")
	}
	if p.Refresh < minRefresh || p.Refresh > maxRefresh {
		add("refresh %s is outside %s–%s", p.Refresh, minRefresh, maxRefresh)
	}
	if !sceneKnownFormat[p.Format] {
		add("unknown format %q", p.Format)
	}
	if !sceneKnownSort[p.Sort] {
		add("sort %q is neither asc nor desc", p.Sort)
	}
	if p.Limit < 0 || p.Limit > maxLimit {
		add("limit %d is outside 0–%d", p.Limit, maxLimit)
	}
	for j, t := range p.Thresholds {
		if !sceneKnownState[t.State] {
			add("thresholds[%d]: state %q is not ok, warn or bad", j, t.State)
		}
	}
	errs = append(errs, validateLayout(p)...)
	return append(errs, validateSource(p, check)...)
}

// validateSource checks that the panel has exactly one of query and source,
// one its type can show, and what that source needs.
func validateSource(p *Panel, check QueryCheck) []error {
	allowed, known := sceneSources[p.Type]
	switch {
	case !known:
		return []error{fmt.Errorf("unknown type %q", p.Type)}
	case (p.Query == "") == (p.Source == ""):
		return []error{errors.New("needs exactly one of query and source")}
	}
	ok := false
	for _, s := range allowed {
		ok = ok || s == p.Source
	}
	if !ok {
		if p.Source == "" {
			return []error{fmt.Errorf("a %s panel takes source %q, not a query", p.Type, allowed[0])}
		}
		return []error{fmt.Errorf("a %s panel cannot show source %q", p.Type, p.Source)}
	}
	if p.Source == SourceIncidentStats && p.Label != "" && p.Label != StatSeverity &&
		p.Label != StatMTTA && p.Label != StatMTTR {
		return []error{fmt.Errorf("incident_stats label %q is not severity, mtta or mttr", p.Label)}
	}
	if p.Query != "" {
		return validateQuery(p, check)
	}
	return nil
}

func validateQuery(p *Panel, check QueryCheck) []error {
	var errs []error
	needsLabel := p.Type == PanelMap || p.Type == PanelRanking || p.Type == PanelTable || p.Type == PanelPlan
	if needsLabel && !sceneLabelName.MatchString(p.Label) {
		errs = append(errs, fmt.Errorf("a %s panel needs label: the series label naming each row", p.Type))
	}
	if check == nil {
		return errs
	}
	if err := check(p.Query); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// placePanel marks the panel's cells on the grid and reports what falls
// outside it or on a cell another panel already holds.
func placePanel(grid *[GridRows][GridColumns]string, p *Panel) []error {
	g := p.Grid
	// Compared without adding, so that a huge w or h cannot overflow past the check.
	if g.X < 0 || g.Y < 0 || g.W < 1 || g.H < 1 || g.W > GridColumns-g.X || g.H > GridRows-g.Y {
		return []error{fmt.Errorf("grid x=%d y=%d w=%d h=%d is outside the %d×%d grid",
			g.X, g.Y, g.W, g.H, GridColumns, GridRows)}
	}
	for y := g.Y; y < g.Y+g.H; y++ {
		for x := g.X; x < g.X+g.W; x++ {
			if other := grid[y][x]; other != "" {
				return []error{fmt.Errorf("overlaps panel %q at column %d, row %d", other, x, y)}
			}
			grid[y][x] = p.ID
		}
	}
	return nil
}
