package recommend

import (
	"cmp"
	"context"
	"slices"

	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// Month is the follow-up of the recommendations for month's report
// (report.ResourceSection.FollowUp): those found by then, each in the state
// it had at the month's end as far as the store can tell (done counts from
// its done month; the operator's states are the current ones), the open ones
// and their saving, the done ones and the yuan saved from the month each was
// done through month.
func (s *Store) Month(ctx context.Context, month string) (report.FollowUp, error) {
	end, err := sla.ParseMonth(month)
	if err != nil {
		return report.FollowUp{}, err
	}
	rs, err := s.query(ctx, `SELECT `+columns+` FROM recommendations WHERE first_month <= ? ORDER BY id`, month)
	if err != nil {
		return report.FollowUp{}, err
	}
	u := report.FollowUp{Tracked: true, States: make(map[string]string, len(rs))}
	for _, r := range rs {
		st := r.State
		if st == Done && r.DoneMonth > month {
			st = Pending // not done yet at that month's end
		}
		u.States[report.FindingKey(r.VM, r.Kind)] = st.Word()
		switch {
		case st.Open():
			u.Open++
			u.OpenYuan += r.yuan()
		case st == Rejected:
			u.Rejected++
		case st == Done:
			start, err := sla.ParseMonth(r.DoneMonth)
			if err != nil {
				continue // unreachable: Sync writes done_month from a parsed month
			}
			months := (end.Year()-start.Year())*12 + int(end.Month()-start.Month()) + 1
			d := report.DoneRecommendation{VM: r.VM, System: r.System, Recommendation: r.Kind, Spec: r.Spec,
				Target: r.Target, Month: r.DoneMonth, Yuan: r.yuan(), SavedYuan: r.yuan() * months}
			u.Done = append(u.Done, d)
			u.DoneYuan += d.Yuan
			u.SavedYuan += d.SavedYuan
		}
	}
	slices.SortStableFunc(u.Done, func(a, b report.DoneRecommendation) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.VM, b.VM))
	})
	return u, nil
}

// yuan is the monthly saving the recommendation counts for: 0 unpriced.
func (r Recommendation) yuan() int {
	if !r.Priced {
		return 0
	}
	return r.Yuan
}
