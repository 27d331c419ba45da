package oncall

import (
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// maxShiftSpan bounds Shifts: a duty page shows weeks, not years.
const maxShiftSpan = 400 * 24 * time.Hour

// How a shift was assigned.
const (
	ShiftRotation = "rotation" // 轮值
	ShiftHoliday  = "holiday"  // 节假日
	ShiftOverride = "override" // 调班
)

// Shift is one person on duty over [Start, End).
type Shift struct {
	Start  time.Time
	End    time.Time
	Person Person
	Kind   string // ShiftRotation, ShiftHoliday or ShiftOverride
}

// OnDuty returns who is on duty (值班人员) at t: an override first, then the
// holiday rotation on a holiday's shift, then the rotation. It is empty
// before the rotation starts and outside overrides and holidays.
func (r *Roster) OnDuty(t time.Time) []Person {
	if p, _, ok := r.who(t); ok {
		return []Person{p}
	}
	return nil
}

// Shifts lists who is on duty from from to to, merged so that each entry is
// one person's unbroken stretch, clipped to [from, to). The span is capped at
// about 400 days; gaps with nobody on duty are left out.
func (r *Roster) Shifts(from, to time.Time) []Shift {
	if limit := from.Add(maxShiftSpan); to.After(limit) {
		to = limit
	}
	if !to.After(from) {
		return nil
	}
	cuts := r.cuts(from, to)
	var out []Shift
	for i := 0; i+1 < len(cuts); i++ {
		p, kind, ok := r.who(cuts[i])
		if !ok {
			continue
		}
		if n := len(out); n > 0 && out[n-1].End.Equal(cuts[i]) && out[n-1].Person.Name == p.Name && out[n-1].Kind == kind {
			out[n-1].End = cuts[i+1]
			continue
		}
		out = append(out, Shift{Start: cuts[i], End: cuts[i+1], Person: p, Kind: kind})
	}
	return out
}

// cuts are the sorted instants in [from, to] where duty may change: every
// day's handover (holidays and weekly shifts both fall on one) and the ends
// of overrides. Between two cuts the person on duty is constant.
func (r *Roster) cuts(from, to time.Time) []time.Time {
	cuts := []time.Time{from, to}
	for h := cst.StartOfDay(from).Add(r.Rotation.at); h.Before(to); h = h.Add(24 * time.Hour) {
		cuts = append(cuts, h)
	}
	for _, o := range r.Overrides {
		cuts = append(cuts, o.from, o.to)
	}
	cuts = slices.DeleteFunc(cuts, func(c time.Time) bool { return c.Before(from) || c.After(to) })
	slices.SortFunc(cuts, time.Time.Compare)
	return slices.CompactFunc(cuts, time.Time.Equal)
}

func (r *Roster) who(t time.Time) (Person, string, bool) {
	for i := len(r.Overrides) - 1; i >= 0; i-- {
		if o := r.Overrides[i]; !t.Before(o.from) && t.Before(o.to) {
			return r.byName[o.Person], ShiftOverride, true
		}
	}
	begun := r.shiftStart(t)
	if k, ok := r.Holidays.ordinal(cst.StartOfDay(begun)); ok {
		ps := r.Holidays.Participants
		return r.byName[ps[k%len(ps)]], ShiftHoliday, true
	}
	ro := r.Rotation
	if t.Before(ro.first) {
		return Person{}, "", false
	}
	n := int64(t.Sub(ro.first) / ro.every)
	return r.byName[ro.Participants[n%int64(len(ro.Participants))]], ShiftRotation, true
}

// shiftStart is the latest daily handover at or before t.
func (r *Roster) shiftStart(t time.Time) time.Time {
	h := cst.StartOfDay(t).Add(r.Rotation.at)
	if t.Before(h) {
		h = h.Add(-24 * time.Hour)
	}
	return h
}

// ordinal is day's position among the holidays, if it is one.
func (h *Holidays) ordinal(day time.Time) (int, bool) {
	return slices.BinarySearchFunc(h.days, day, time.Time.Compare)
}

// OnDutyNow is one person on duty at a moment, with the end of the shift.
type OnDutyNow struct {
	Name, Roster, Phone string
	Until               time.Time // end of the current shift; zero when none is planned within 8 days
}

// DutyAt is who is on duty at t across rosters (the wall's 值班 panel), and
// the banner of the heightened watch (重保期) in force at t, if any.
func DutyAt(rosters []*Roster, watches Watches, t time.Time) ([]OnDutyNow, string) {
	var out []OnDutyNow
	for _, r := range rosters {
		until := time.Time{}
		if shifts := r.Shifts(t, t.Add(8*24*time.Hour)); len(shifts) > 0 {
			until = shifts[0].End
		}
		for _, p := range r.OnDuty(t) {
			out = append(out, OnDutyNow{Name: p.Name, Roster: r.Name, Phone: p.Phone, Until: until})
		}
	}
	banner := ""
	if w := watches.ActiveWatch(t); w != nil {
		banner = w.Banner()
	}
	return out, banner
}
