package secops

import (
	"cmp"
	"slices"

	"github.com/swanwatch/swanwatch/collectors"
)

// ClassWords are the security classes an event's class label carries
// (docs/logs.md, "Security classes"), in the report's order.
var ClassWords = []struct{ Class, Word string }{
	{"fw_deny", "防火墙拒绝"}, {"ids", "入侵检测/防御"}, {"waf", "Web应用防火墙"}, {"av", "病毒防护"},
	{"login_fail", "登录失败"}, {"sudo", "提权操作"}, {"config_change", "配置变更"}, {"admin_add", "新增管理员"},
}

// Classes kept in the store but not security events for the report: they
// are the traffic and the logins that went well, and would drown the rest.
var notCounted = map[string]bool{"fw_session": true, "nat": true, "login_ok": true}

// UnknownDistrict stands for an event from no device of the inventory.
const UnknownDistrict = "未知区县"

// ClassRow is one class's events, by district.
type ClassRow struct {
	Class      string         `json:"class"`
	Word       string         `json:"word"`
	Total      int            `json:"total"`
	ByDistrict map[string]int `json:"by_district"`
}

// SourceCount is one source address's events.
type SourceCount struct {
	IP      string   `json:"ip"`
	Events  int      `json:"events"`
	Classes []string `json:"classes"` // the classes it appears in, in the report's order
}

// EventSection is the 安全运营 section's events: by class and district,
// and the top sources.
type EventSection struct {
	Total      int           `json:"total"`
	Classes    []ClassRow    `json:"classes"`   // every security class, in ClassWords' order
	Districts  []string      `json:"districts"` // the districts seen, the busiest first
	TopSources []SourceCount `json:"top_sources"`
}

// EventTally folds security events one at a time, for a caller that pages
// through the event store; the zero value is not ready: NewEventTally.
type EventTally struct {
	total     int
	classes   map[string]map[string]int // class → district → events
	districts map[string]int
	sources   map[string]*SourceCount
	srcClass  map[string]map[string]bool
}

// NewEventTally returns an empty tally.
func NewEventTally() *EventTally {
	return &EventTally{classes: map[string]map[string]int{}, districts: map[string]int{},
		sources: map[string]*SourceCount{}, srcClass: map[string]map[string]bool{}}
}

// known are the classes counted.
var known = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range ClassWords {
		m[c.Class] = true
	}
	return m
}()

// Add counts one event's labels if it is a security event (class label
// one of ClassWords); others are ignored.
func (t *EventTally) Add(labels map[string]string) {
	class := labels["class"]
	if !known[class] || notCounted[class] {
		return
	}
	district := cmp.Or(labels["district"], UnknownDistrict)
	t.total++
	if t.classes[class] == nil {
		t.classes[class] = map[string]int{}
	}
	t.classes[class][district]++
	t.districts[district]++
	ip := labels["src_ip"]
	if ip == "" {
		return
	}
	s := t.sources[ip]
	if s == nil {
		s = &SourceCount{IP: ip}
		t.sources[ip], t.srcClass[ip] = s, map[string]bool{}
	}
	s.Events++
	t.srcClass[ip][class] = true
}

// Section is the tally so far, with the top sources (10 when top <= 0).
func (t *EventTally) Section(top int) EventSection {
	if top <= 0 {
		top = 10
	}
	sec := EventSection{Total: t.total, Classes: []ClassRow{}, Districts: []string{}, TopSources: []SourceCount{}}
	for _, c := range ClassWords {
		row := ClassRow{Class: c.Class, Word: c.Word, ByDistrict: map[string]int{}}
		for d, n := range t.classes[c.Class] {
			row.ByDistrict[d], row.Total = n, row.Total+n
		}
		sec.Classes = append(sec.Classes, row)
	}
	for d := range t.districts {
		sec.Districts = append(sec.Districts, d)
	}
	slices.SortFunc(sec.Districts, func(a, b string) int {
		return cmp.Or(cmp.Compare(t.districts[b], t.districts[a]), cmp.Compare(a, b))
	})
	for ip, s := range t.sources {
		c := *s
		c.Classes = []string{}
		for _, cw := range ClassWords {
			if t.srcClass[ip][cw.Class] {
				c.Classes = append(c.Classes, cw.Class)
			}
		}
		sec.TopSources = append(sec.TopSources, c)
	}
	slices.SortFunc(sec.TopSources, func(a, b SourceCount) int {
		return cmp.Or(cmp.Compare(b.Events, a.Events), cmp.Compare(a.IP, b.IP))
	})
	if len(sec.TopSources) > top {
		sec.TopSources = sec.TopSources[:top]
	}
	return sec
}

// EventFigures folds security events (labels per docs/logs.md: class,
// district, src_ip) into the section: events by class and district and the
// top sources by address.
func EventFigures(events []collectors.Event, top int) EventSection {
	t := NewEventTally()
	for _, e := range events {
		t.Add(e.Labels)
	}
	return t.Section(top)
}
