package sla

import "time"

// accounter walks the windows of one entity once, with a cursor into the
// samples and one into the exclusions: linear in windows + samples.
type accounter struct {
	cond    Cond
	samples []Sample
	excl    []Span
	si, ei  int
	tally   Tally
	outages []Span
}

func (a *accounter) run(ws, lo, hi time.Time, w time.Duration) {
	for ; ws.Before(hi); ws = ws.Add(w) {
		we := ws.Add(w)
		st := a.status(ws, we)
		a.credit(clip(Span{ws, we}, lo, hi), st)
	}
}

// status is the window's status from its samples: any bad sample makes it
// Bad, no sample makes it Unknown.
func (a *accounter) status(ws, we time.Time) Status {
	for a.si < len(a.samples) && a.samples[a.si].T.Before(ws) {
		a.si++
	}
	st := Unknown
	for i := a.si; i < len(a.samples) && a.samples[i].T.Before(we); i++ {
		if !a.cond.Holds(a.samples[i].V) {
			return Bad
		}
		st = Good
	}
	return st
}

// credit adds the seconds of s: excluded ones as Excluded, the others as st.
func (a *accounter) credit(s Span, st Status) {
	for s.Start.Before(s.End) {
		for a.ei < len(a.excl) && !a.excl[a.ei].End.After(s.Start) {
			a.ei++
		}
		next := s.End
		if a.ei < len(a.excl) && !a.excl[a.ei].Start.After(s.Start) {
			next = minT(a.excl[a.ei].End, s.End)
			a.tally.ExcludedS += seconds(s.Start, next)
		} else {
			if a.ei < len(a.excl) {
				next = minT(a.excl[a.ei].Start, s.End)
			}
			a.add(st, Span{s.Start, next})
		}
		s.Start = next
	}
}

func (a *accounter) add(st Status, s Span) {
	n := seconds(s.Start, s.End)
	switch st {
	case Good:
		a.tally.GoodS += n
	case Bad:
		a.tally.BadS += n
		a.outages = appendSpan(a.outages, s)
	default:
		a.tally.UnknownS += n
	}
}

func seconds(a, b time.Time) int64 { return int64(b.Sub(a) / time.Second) }
