package oncall

import (
	"slices"
	"time"
)

// boardSpan is how far ahead 我的值班 looks: the next shifts and watches.
const boardSpan = 14 * 24 * time.Hour

// Board is one person's view of the duty (我的值班): who is on duty now and
// next in every roster, the person's own coming shifts and the
// heightened-watch periods in force or coming.
type Board struct {
	Rosters []RosterDuty
	Mine    []Shift // the person's shifts from now, in the next two weeks
	Watches []WatchPeriod
}

// RosterDuty is a roster's present and next shift.
type RosterDuty struct {
	Roster    string
	Now, Next *Shift // nil: nobody planned
}

// WatchPeriod is a heightened-watch period as the board shows it.
type WatchPeriod struct {
	Name, Reason string
	From, To     time.Time
	Active       bool
}

// NewBoard builds the board of person (a roster name; "" for nobody's own
// shifts) at t.
func NewBoard(rosters []*Roster, watches Watches, person string, t time.Time) Board {
	var b Board
	for _, r := range rosters {
		shifts := r.Shifts(t, t.Add(boardSpan))
		d := RosterDuty{Roster: r.Name}
		if len(shifts) > 0 && !shifts[0].Start.After(t) {
			d.Now, shifts = &shifts[0], shifts[1:]
		}
		if len(shifts) > 0 {
			d.Next = &shifts[0]
		}
		b.Rosters = append(b.Rosters, d)
		for _, s := range r.Shifts(t, t.Add(boardSpan)) {
			if person != "" && s.Person.Name == person {
				b.Mine = append(b.Mine, s)
			}
		}
	}
	slices.SortFunc(b.Mine, func(x, y Shift) int { return x.Start.Compare(y.Start) })
	for i := range watches {
		w := &watches[i]
		if w.to.After(t) && w.from.Before(t.Add(boardSpan)) {
			b.Watches = append(b.Watches, WatchPeriod{Name: w.Name, Reason: w.Reason, From: w.from, To: w.to, Active: w.Active(t)})
		}
	}
	return b
}
