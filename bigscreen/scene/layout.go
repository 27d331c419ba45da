package scene

import "fmt"

// DefaultLayoutHeight is a plan's height when its layout gives none: 100
// across by 56 down is the shape of a 16:9 panel.
const DefaultLayoutHeight = 56

var (
	layoutShapeKinds  = map[string]bool{"area": true, "path": true}
	layoutShapeStyles = map[string]bool{"water": true, "green": true, "road": true, "lot": true, "building": true}
	layoutIcons       = map[string]bool{"camera": true, "gate": true, "barrier": true, "led": true,
		"parking": true, "wifi": true, "broadcast": true, "nvr": true}
)

// validateLayout checks a plan panel's drawing: every point inside the plan
// with a unique key, shapes of known kinds with enough points. Only a plan
// panel has one.
func validateLayout(p *Panel) []error {
	if p.Type != PanelPlan {
		if p.Layout != nil {
			return []error{fmt.Errorf("a %s panel has no layout (only a plan does)", p.Type)}
		}
		return nil
	}
	l := p.Layout
	if l == nil || len(l.Points) == 0 {
		return []error{fmt.Errorf("a plan panel needs layout.points")}
	}
	if l.Height == 0 {
		l.Height = DefaultLayoutHeight
	}
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if l.Height < 10 || l.Height > 200 {
		add("layout.height %g is outside 10–200", l.Height)
	}
	inside := func(x, y float64) bool { return x >= 0 && x <= 100 && y >= 0 && y <= l.Height }
	seen := map[string]bool{}
	for i, pt := range l.Points {
		switch {
		case pt.Key == "" || pt.Name == "":
			add("layout.points[%d] needs key and name", i)
		case seen[pt.Key]:
			add("layout.points[%d]: key %q appears twice", i, pt.Key)
		case !layoutIcons[pt.Icon]:
			add("layout.points[%d]: unknown icon %q", i, pt.Icon)
		case !inside(pt.X, pt.Y):
			add("layout.points[%d] (%g, %g) is outside the plan 0–100 × 0–%g", i, pt.X, pt.Y, l.Height)
		}
		seen[pt.Key] = true
	}
	for i, sh := range l.Shapes {
		errs = append(errs, validateShape(i, sh, inside)...)
	}
	return errs
}

func validateShape(i int, sh LayoutShape, inside func(x, y float64) bool) []error {
	least := map[string]int{"area": 3, "path": 2}[sh.Kind]
	switch {
	case !layoutShapeKinds[sh.Kind]:
		return []error{fmt.Errorf("layout.shapes[%d]: kind %q is neither area nor path", i, sh.Kind)}
	case !layoutShapeStyles[sh.Style]:
		return []error{fmt.Errorf("layout.shapes[%d]: unknown style %q", i, sh.Style)}
	case len(sh.Points) < least:
		return []error{fmt.Errorf("layout.shapes[%d]: an %s needs at least %d points", i, sh.Kind, least)}
	}
	for _, pt := range sh.Points {
		if !inside(pt[0], pt[1]) {
			return []error{fmt.Errorf("layout.shapes[%d]: point (%g, %g) is outside the plan", i, pt[0], pt[1])}
		}
	}
	return nil
}
