package oncall

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Directory resolves the roster and person names of escalation steps.
type Directory struct {
	rosters map[string]*Roster
	people  map[string]Person
}

// NewDirectory indexes validated rosters; a person listed in several rosters
// must be listed the same way, so a page never goes to a stale phone number.
func NewDirectory(rosters ...*Roster) (*Directory, error) {
	d := &Directory{rosters: map[string]*Roster{}, people: map[string]Person{}}
	for _, r := range rosters {
		if _, dup := d.rosters[r.Name]; dup {
			countInvalid("roster")
			return nil, fmt.Errorf("roster %q listed twice", r.Name)
		}
		d.rosters[r.Name] = r
		for _, p := range r.People {
			if old, ok := d.people[p.Name]; ok && !old.equal(p) {
				countInvalid("roster")
				return nil, fmt.Errorf("person %q differs between rosters", p.Name)
			}
			d.people[p.Name] = p
		}
	}
	return d, nil
}

// Check reports names in the policy's steps that the directory lacks.
func (d *Directory) Check(p *Policy) error {
	for i, s := range p.Steps {
		if err := d.check(s.Rosters, s.People); err != nil {
			countInvalid("escalation")
			return fmt.Errorf("escalation policy %q step %d: %w", p.Name, i+1, err)
		}
	}
	return nil
}

func (d *Directory) check(rosters, people []string) error {
	for _, n := range rosters {
		if _, ok := d.rosters[n]; !ok {
			return fmt.Errorf("unknown roster %q", n)
		}
	}
	for _, n := range people {
		if _, ok := d.people[n]; !ok {
			return fmt.Errorf("unknown person %q", n)
		}
	}
	return nil
}

// Recipients are the people a step pages at t: each roster's people on duty
// then the named people, each once, in that order.
func (d *Directory) Recipients(s Step, t time.Time) []Person {
	var out []Person
	add := func(p Person) {
		if !slices.ContainsFunc(out, func(q Person) bool { return q.Name == p.Name }) {
			out = append(out, p)
		}
	}
	for _, n := range s.Rosters {
		if r, ok := d.rosters[n]; ok {
			for _, p := range r.OnDuty(t) {
				add(p)
			}
		}
	}
	for _, n := range s.People {
		if p, ok := d.people[n]; ok {
			add(p)
		}
	}
	return out
}

// Page is one escalation page ready for the outbox: who and over which channels.
type Page struct {
	Step     int
	Channels []string
	People   []Person
}

// Page resolves page number step of p at t; ok is false past the last page.
func (d *Directory) Page(p *Policy, step int, t time.Time) (Page, bool) {
	s, ok := p.StepOf(step)
	if !ok {
		return Page{}, false
	}
	return Page{Step: step, Channels: s.Channels, People: d.Recipients(s, t)}, true
}

// Mentions are the phone numbers of the people paged.
func (pg Page) Mentions() []string {
	out := make([]string, 0, len(pg.People))
	for _, p := range pg.People {
		out = append(out, p.Phone)
	}
	return out
}

// Recipients are the people paged, as notifications address them; the
// notifier adds each one's signed link and call reference.
func (pg Page) Recipients() []notice.Recipient {
	out := make([]notice.Recipient, 0, len(pg.People))
	for _, p := range pg.People {
		out = append(out, p.Recipient())
	}
	return out
}

// Apply stamps the page on a notification: its step, mentions and a first
// line that says who is paged, e.g. "第2次升级，通知值班人员：张三、李四"
// (page 0 is the first escalation).
func (pg Page) Apply(n *notice.Notification) {
	n.Step = pg.Step
	n.Mentions = pg.Mentions()
	n.Recipients = pg.Recipients()
	names := make([]string, 0, len(pg.People))
	for _, p := range pg.People {
		names = append(names, p.Name)
	}
	who := strings.Join(names, "、")
	if who == "" { // a roster with a gap must still be seen, in the channel, by someone
		who = "当前无人值班，请检查值班表"
	}
	// First, so that an SMS cut at its length limit still says who must act.
	line := fmt.Sprintf("第%d次升级，通知值班人员：%s", pg.Step+1, who)
	if n.Text != "" {
		line += "\n" + n.Text
	}
	n.Text = line
}

// Person finds a roster person by name.
func (d *Directory) Person(name string) (Person, bool) {
	p, ok := d.people[name]
	return p, ok
}

// ByPhone finds the roster person with this mobile number (as the roster
// writes it, or with a +86/86 prefix).
func (d *Directory) ByPhone(phone string) (Person, bool) {
	want := nationalNumber(phone)
	for _, p := range d.people {
		if want != "" && nationalNumber(p.Phone) == want {
			return p, true
		}
	}
	return Person{}, false
}

// ByUser finds the roster person whose SwanWatch login is user.
func (d *Directory) ByUser(user string) (Person, bool) {
	for _, p := range d.people {
		if user != "" && p.User == user {
			return p, true
		}
	}
	return Person{}, false
}

// People lists everyone in the rosters, by name.
func (d *Directory) People() []Person {
	out := make([]Person, 0, len(d.people))
	for _, p := range d.people {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Person) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Rosters lists the rosters, by name.
func (d *Directory) Rosters() []*Roster {
	out := make([]*Roster, 0, len(d.rosters))
	for _, r := range d.rosters {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Roster) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// nationalNumber is a Chinese mobile number without the country prefix,
// spaces or dashes: "+86 138-0000-0001" and "13800000001" compare equal.
func nationalNumber(phone string) string {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, phone)
	for _, pre := range []string{"+86", "0086", "86"} {
		if rest, ok := strings.CutPrefix(s, pre); ok && len(rest) == 11 {
			return rest
		}
	}
	return s
}
