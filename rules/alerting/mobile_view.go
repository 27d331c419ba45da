package alerting

import (
	"crypto/rand"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

//go:embed mobile.html mobile_style.html duty.html
var mobileFS embed.FS

// The phone's pages share one style sheet (mobile_style.html).
var (
	mobilePage = template.Must(template.ParseFS(mobileFS, "mobile.html", "mobile_style.html"))
	dutyPage   = template.Must(template.ParseFS(mobileFS, "duty.html", "mobile_style.html"))
)

// mobileView is what the phone's incident page shows.
type mobileView struct {
	Err, Done  string
	Token      string
	Nonce      string
	ID         int64
	Severity   string // 紧急 …
	SevClass   string // crit, major, minor, warn
	Title      string
	Place      string // 区县 · 站点 · 对象
	State      string // 告警中, 已确认, 已恢复
	StateClass string
	Since      string
	Duration   string
	StartUnix  int64
	EndUnix    int64 // resolved: the duration stops
	Acked      string
	Assignee   string
	HeldBy     int64 // this incident is itself held back under another
	Children   []childView
	MoreKids   int
	Facts      string // the description: what fired it, with its values
	Timeline   []entryView
	Notes      []entryView
	Person     string // the link's person; "" for a group link
	People     []string
	Open       bool
	CanAck     bool
	CanResolve bool
}

type childView struct{ ID, Title, Object, Since string }

type entryView struct{ At, Word, Actor, Detail string }

// maxChildrenShown bounds the list on a phone; the count says the rest.
const maxChildrenShown = 50

func (a *MobileAPI) render(w http.ResponseWriter, r *http.Request, code int, link Link, inc Incident, done, errText string) {
	ctx := r.Context()
	v := mobileView{Err: errText, Done: done, Token: r.PathValue("token"), Nonce: nonce(), ID: inc.ID,
		Severity: inc.Severity.Name(), SevClass: sevClass(inc.Severity), Title: summary(inc.toAlert()),
		Place: place(inc), Since: cst.FormatTime(inc.FirstFired), StartUnix: inc.FirstFired.Unix(),
		Acked: ackedText(inc), Assignee: inc.Assignee, HeldBy: inc.SuppressedBy,
		Facts: inc.Annotations["description"], Person: link.Person, Open: inc.Open(),
		CanAck: inc.Open() && inc.AckedAt.IsZero()}
	v.State, v.StateClass = stateOf(inc)
	end := a.opts.Now()
	if !inc.Open() {
		end, v.EndUnix = inc.ResolvedAt, inc.ResolvedAt.Unix()
	}
	v.Duration = cst.FormatDuration(end.Sub(inc.FirstFired).Truncate(time.Second))
	kids, _ := a.store.Children(ctx, inc.ID)
	for i, k := range kids {
		if i == maxChildrenShown {
			v.MoreKids = len(kids) - i
			break
		}
		v.Children = append(v.Children, childView{ID: strconv.FormatInt(k.ID, 10), Title: summary(k.toAlert()),
			Object: object(k.toAlert()), Since: cst.FormatTime(k.FirstFired)})
	}
	tl, _ := a.store.Timeline(ctx, inc.ID)
	for i := len(tl) - 1; i >= 0; i-- { // newest first: the phone shows what just happened
		e := entryView{At: cst.FormatTime(tl[i].At), Word: TimelineWord(tl[i].Kind), Actor: tl[i].Actor, Detail: tl[i].Detail}
		if tl[i].Kind == "note" {
			v.Notes = append(v.Notes, e)
		}
		v.Timeline = append(v.Timeline, e)
	}
	if a.opts.Notifier != nil && inc.Open() {
		for _, p := range a.opts.Notifier.People() {
			if p != link.Person {
				v.People = append(v.People, p)
			}
		}
	}
	v.CanResolve = inc.Open() && a.opts.Resolvable != nil && a.opts.Resolvable(inc.toAlert())
	writeMobile(w, code, v)
}

func renderError(w http.ResponseWriter, code int, text string) {
	writeMobile(w, code, mobileView{Err: text, Nonce: nonce()})
}

func writeMobile(w http.ResponseWriter, code int, v mobileView) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-"+v.Nonce+
		"'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	w.WriteHeader(code)
	_ = mobilePage.Execute(w, v)
}

func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sevClass(s Severity) string {
	switch s {
	case Critical:
		return "crit"
	case Major:
		return "major"
	case Minor:
		return "minor"
	}
	return "warn"
}

func stateOf(inc Incident) (string, string) {
	switch {
	case !inc.Open():
		return "已恢复", "ok"
	case !inc.AckedAt.IsZero():
		return "已确认", "acked"
	}
	return "告警中", "firing"
}

func ackedText(inc Incident) string {
	if inc.AckedAt.IsZero() {
		return ""
	}
	return inc.AckedBy + " 于 " + cst.FormatTime(inc.AckedAt) + " 确认"
}

func place(inc Incident) string {
	var parts []string
	for _, v := range []string{inc.Labels["district"], inc.Labels["site"], object(inc.toAlert())} {
		if v != "" && v != "—" && !slices.Contains(parts, v) {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " · ")
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
