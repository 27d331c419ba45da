package alerting

import (
	"net/http"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// DutyPage serves 我的值班 for the logged-in user (docs/oncall.md): who is on
// duty now and next, the user's open incidents (each opening the phone's
// incident page under their name), their coming shifts and the
// heightened-watch periods. The user is matched to a roster person by the
// roster's `user` field.
type DutyPage struct {
	n     *Notifier
	store *Incidents
	who   func(*http.Request) string
}

// NewDutyPage builds the page; who names the logged-in user.
func NewDutyPage(n *Notifier, store *Incidents, who func(*http.Request) string) *DutyPage {
	return &DutyPage{n: n, store: store, who: who}
}

type dutyView struct {
	Now, User, Person string
	Rosters           []rosterLine
	Incidents         []myIncident
	Shifts            []string
	Watches           []watchLine
}

type rosterLine struct{ Roster, Now, Next string }

type myIncident struct {
	ID                            int64
	Severity, Title, State, Since string
	Link                          string
}

type watchLine struct {
	Name, Reason, From, To string
	Active                 bool
}

func (d *DutyPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := d.n.opts.Now()
	cfg := d.n.config()
	v := dutyView{Now: cst.FormatTime(now), User: d.who(r)}
	var rosters []*oncall.Roster
	if cfg.Directory != nil {
		rosters = cfg.Directory.Rosters()
		if p, ok := cfg.Directory.ByUser(v.User); ok {
			v.Person = p.Name
		}
	}
	b := oncall.NewBoard(rosters, cfg.Watches, v.Person, now)
	for _, rd := range b.Rosters {
		v.Rosters = append(v.Rosters, rosterLine{Roster: rd.Roster, Now: shiftText(rd.Now, true), Next: shiftText(rd.Next, false)})
	}
	for _, s := range b.Mine {
		v.Shifts = append(v.Shifts, cst.FormatTime(s.Start)+" 至 "+cst.FormatTime(s.End))
	}
	for _, wp := range b.Watches {
		v.Watches = append(v.Watches, watchLine{Name: wp.Name, Reason: wp.Reason, From: cst.FormatTime(wp.From),
			To: cst.FormatTime(wp.To), Active: wp.Active})
	}
	if v.Person != "" {
		incs, err := d.store.OpenFor(r.Context(), v.Person)
		if err != nil {
			http.Error(w, "值班信息暂时无法读取，请稍后重试", http.StatusInternalServerError)
			return
		}
		for _, inc := range incs {
			state, _ := stateOf(inc)
			v.Incidents = append(v.Incidents, myIncident{ID: inc.ID, Severity: inc.Severity.Name(),
				Title: summary(inc.toAlert()), State: state, Since: cst.FormatTime(inc.FirstFired),
				Link: d.link(inc.ID, v.Person)})
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
	_ = dutyPage.Execute(w, v)
}

// link opens the phone's incident page as the person, or the operators'
// incident page when links are not signed here.
func (d *DutyPage) link(id int64, person string) string {
	if d.n.opts.AckLinks == nil {
		return "/incidents?id=" + itoa(id)
	}
	return d.n.opts.AckLinks.PersonURL("", id, person)
}

func shiftText(s *oncall.Shift, current bool) string {
	if s == nil {
		return ""
	}
	if current {
		return s.Person.Name + "（至 " + cst.FormatTime(s.End) + "）"
	}
	return s.Person.Name + "（" + cst.FormatTime(s.Start) + " 起）"
}
