// Package oncall owns who is paged and when: duty rosters (值班表) with
// rotations, holidays and swaps, escalation policies (升级) and heightened-watch
// periods (重保期) that speed them up, and the directory that resolves a
// policy's step into the people on duty and their channels. It is pure
// schedule logic over the shared notice types: the notifier in
// rules/alerting decides when to ask it and puts the pages in the outbox.
package oncall

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Layouts of the roster, policy and watch files, read in Asia/Shanghai.
const (
	oncallDate   = "2006-01-02"
	oncallMinute = "2006-01-02 15:04"
)

// maxRosterYAML bounds what ParseRoster reads: a roster for a city fits in far less.
const maxRosterYAML = 1 << 20

// maxNameRunes bounds a person's name: it rides in signed links and call
// references, and is shown on a phone's screen.
const maxNameRunes = 32

// Person is someone who can be on duty (值班人员), with every address a
// person channel needs (docs/oncall.md).
type Person struct {
	Name     string `yaml:"name"`
	Phone    string `yaml:"phone"`
	WeCom    string `yaml:"wecom,omitempty"`    // WeCom userid: 应用消息 (wecom_app)
	DingTalk string `yaml:"dingtalk,omitempty"` // DingTalk userid: 工作通知 (dingtalk_work)
	Feishu   string `yaml:"feishu,omitempty"`   // Feishu open_id (ou_…): 个人消息 (feishu_app)
	User     string `yaml:"user,omitempty"`     // the SwanWatch login of this person: 我的值班

	// Noise a person can live with (noise.go): quiet hours for pages below
	// critical, the receivers they prefer (in order), and a digest period
	// for minor and warning pages.
	QuietHours string        `yaml:"quiet_hours,omitempty"` // "22:00-07:00", Asia/Shanghai
	Channels   []string      `yaml:"channels,omitempty"`
	Digest     time.Duration `yaml:"digest,omitempty"`
}

// Recipient is the person as a notification addresses them.
func (p Person) Recipient() notice.Recipient {
	return notice.Recipient{Name: p.Name, Phone: p.Phone, WeCom: p.WeCom, DingTalk: p.DingTalk, Feishu: p.Feishu}
}

// Rotation hands duty from one participant to the next, in order, at the
// handover time (Asia/Shanghai) every day or every week from Start.
type Rotation struct {
	Kind         string   `yaml:"kind"`     // daily | weekly
	Handover     string   `yaml:"handover"` // "HH:MM"
	Start        string   `yaml:"start"`    // "YYYY-MM-DD": the first participant takes over at its handover
	Participants []string `yaml:"participants"`

	first time.Time // first handover instant
	every time.Duration
	at    time.Duration // handover offset from midnight
}

// Override gives duty to Person over [From, To), e.g. a swap; later entries win.
type Override struct {
	From   string `yaml:"from"` // "YYYY-MM-DD HH:MM"
	To     string `yaml:"to"`
	Person string `yaml:"person"`

	from, to time.Time
}

// Holidays lists dates whose shift (from that day's handover to the next)
// goes to the holiday participants in turn: the k-th listed date (in date
// order) to Participants[k mod n], so holiday duty is shared evenly.
type Holidays struct {
	Dates        []string `yaml:"dates"` // "YYYY-MM-DD"
	Participants []string `yaml:"participants"`

	days []time.Time // sorted midnights
}

// Roster is a duty roster (值班表). Call Validate before OnDuty or Shifts.
type Roster struct {
	Name      string     `yaml:"name"`
	People    []Person   `yaml:"people"`
	Rotation  Rotation   `yaml:"rotation"`
	Holidays  Holidays   `yaml:"holidays,omitempty"`
	Overrides []Override `yaml:"overrides,omitempty"`

	byName map[string]Person
}

// ParseRoster decodes one roster from YAML (unknown keys are errors) and validates it.
func ParseRoster(b []byte) (*Roster, error) {
	if len(b) > maxRosterYAML {
		countInvalid("roster")
		return nil, fmt.Errorf("roster: %d bytes is over the %d limit", len(b), maxRosterYAML)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var r Roster
	if err := dec.Decode(&r); err != nil {
		countInvalid("roster")
		return nil, fmt.Errorf("roster: %w", err)
	}
	return &r, r.Validate()
}

// Validate checks the roster and prepares it; errors name the field at fault.
func (r *Roster) Validate() error {
	if err := r.validate(); err != nil {
		countInvalid("roster")
		return fmt.Errorf("roster %q: %w", r.Name, err)
	}
	return nil
}

func (r *Roster) validate() error {
	if r.Name == "" {
		return errors.New("name is required")
	}
	if err := r.indexPeople(); err != nil {
		return err
	}
	if err := r.Rotation.compile(r.byName); err != nil {
		return fmt.Errorf("rotation: %w", err)
	}
	if err := r.Holidays.compile(r.byName); err != nil {
		return fmt.Errorf("holidays: %w", err)
	}
	for i := range r.Overrides {
		if err := r.Overrides[i].compile(r.byName); err != nil {
			return fmt.Errorf("override %d: %w", i+1, err)
		}
	}
	return nil
}

func (r *Roster) indexPeople() error {
	r.byName = make(map[string]Person, len(r.People))
	for i, p := range r.People {
		switch {
		case p.Name == "":
			return fmt.Errorf("person %d: name is required", i+1)
		case utf8.RuneCountInString(p.Name) > maxNameRunes:
			return fmt.Errorf("person %q: name longer than %d characters", p.Name, maxNameRunes)
		case p.Phone == "":
			return fmt.Errorf("person %q: phone is required", p.Name)
		case p.Feishu != "" && !strings.HasPrefix(p.Feishu, "ou_"):
			return fmt.Errorf("person %q: feishu %q: want the person's open_id (ou_…)", p.Name, p.Feishu)
		}
		if err := p.validateNoise(); err != nil {
			return fmt.Errorf("person %q: %w", p.Name, err)
		}
		if _, dup := r.byName[p.Name]; dup {
			return fmt.Errorf("person %q listed twice", p.Name)
		}
		r.byName[p.Name] = p
	}
	return nil
}

func (ro *Rotation) compile(people map[string]Person) error {
	switch ro.Kind {
	case "daily":
		ro.every = 24 * time.Hour
	case "weekly":
		ro.every = 7 * 24 * time.Hour
	default:
		return fmt.Errorf("kind %q: want daily or weekly", ro.Kind)
	}
	h, err := time.Parse("15:04", ro.Handover)
	if err != nil {
		return fmt.Errorf("handover %q: want HH:MM", ro.Handover)
	}
	ro.at = time.Duration(h.Hour())*time.Hour + time.Duration(h.Minute())*time.Minute
	day, err := time.ParseInLocation(oncallDate, ro.Start, cst.Location)
	if err != nil {
		return fmt.Errorf("start %q: want YYYY-MM-DD", ro.Start)
	}
	ro.first = day.Add(ro.at)
	if len(ro.Participants) == 0 {
		return errors.New("participants: at least one is required")
	}
	return known(people, ro.Participants)
}

func (h *Holidays) compile(people map[string]Person) error {
	if len(h.Dates) > 0 && len(h.Participants) == 0 {
		return errors.New("participants: required when dates are given")
	}
	h.days = h.days[:0]
	for _, s := range h.Dates {
		d, err := time.ParseInLocation(oncallDate, s, cst.Location)
		if err != nil {
			return fmt.Errorf("date %q: want YYYY-MM-DD", s)
		}
		if slices.ContainsFunc(h.days, d.Equal) {
			return fmt.Errorf("date %s listed twice", s)
		}
		h.days = append(h.days, d)
	}
	slices.SortFunc(h.days, time.Time.Compare)
	return known(people, h.Participants)
}

func (o *Override) compile(people map[string]Person) error {
	var err error
	if o.from, err = time.ParseInLocation(oncallMinute, o.From, cst.Location); err != nil {
		return fmt.Errorf("from %q: want YYYY-MM-DD HH:MM", o.From)
	}
	if o.to, err = time.ParseInLocation(oncallMinute, o.To, cst.Location); err != nil {
		return fmt.Errorf("to %q: want YYYY-MM-DD HH:MM", o.To)
	}
	if !o.to.After(o.from) {
		return fmt.Errorf("to %s must be after from %s", o.To, o.From)
	}
	return known(people, []string{o.Person})
}

// countInvalid counts a configuration the package refused, by kind (the same
// series as the routing tree's).
func countInvalid(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_alerting_invalid_config_total{kind="` + kind + `"}`).Inc()
}

func known(people map[string]Person, names []string) error {
	for _, n := range names {
		if _, ok := people[n]; !ok {
			return fmt.Errorf("%q is not in people", n)
		}
	}
	return nil
}
