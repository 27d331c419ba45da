package secops

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/swanwatch/swanwatch/collectors"
)

func ev(kv ...string) collectors.Event {
	l := map[string]string{"source": "syslog"}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return collectors.Event{Labels: l}
}

// Worked by hand: 7 security events (the permitted session, the NAT line,
// the good login and the unclassified line are not counted), in two
// districts and one unknown sender.
func TestEventFigures(t *testing.T) {
	evs := []collectors.Event{
		ev("class", "fw_deny", "district", "湖滨区", "src_ip", "203.0.113.7"),
		ev("class", "fw_deny", "district", "湖滨区", "src_ip", "203.0.113.7"),
		ev("class", "fw_deny", "district", "陕州区", "src_ip", "198.51.100.2"),
		ev("class", "login_fail", "district", "湖滨区", "src_ip", "203.0.113.7"),
		ev("class", "login_fail", "known", "false", "src_ip", "198.51.100.2"),
		ev("class", "ids", "district", "陕州区", "src_ip", "192.0.2.9"),
		ev("class", "config_change", "district", "陕州区", "user", "admin"),
		ev("class", "fw_session", "district", "湖滨区", "src_ip", "10.0.0.1"),
		ev("class", "nat", "district", "湖滨区", "src_ip", "10.0.0.1"),
		ev("class", "login_ok", "district", "湖滨区", "src_ip", "10.0.0.2"),
		ev("district", "湖滨区", "src_ip", "10.0.0.3"),
	}
	s := EventFigures(evs, 2)
	assert.Equal(t, 7, s.Total)
	rows := map[string]ClassRow{}
	for _, r := range s.Classes {
		rows[r.Class] = r
	}
	assert.Len(t, s.Classes, len(ClassWords))
	assert.Equal(t, ClassRow{Class: "fw_deny", Word: "防火墙拒绝", Total: 3, ByDistrict: map[string]int{"湖滨区": 2, "陕州区": 1}},
		rows["fw_deny"])
	assert.Equal(t, map[string]int{"湖滨区": 1, UnknownDistrict: 1}, rows["login_fail"].ByDistrict)
	assert.Equal(t, 1, rows["ids"].Total)
	assert.Equal(t, 1, rows["config_change"].Total)
	assert.Equal(t, 0, rows["waf"].Total)
	// 湖滨区 3, 陕州区 3 (tie: by name), unknown 1.
	assert.Equal(t, []string{"湖滨区", "陕州区", UnknownDistrict}, s.Districts)
	assert.Equal(t, []SourceCount{
		{IP: "203.0.113.7", Events: 3, Classes: []string{"fw_deny", "login_fail"}},
		{IP: "198.51.100.2", Events: 2, Classes: []string{"fw_deny", "login_fail"}},
	}, s.TopSources)

	assert.Len(t, EventFigures(evs, 0).TopSources, 3, "192.0.2.9 too")
	empty := EventFigures(nil, 5)
	assert.Equal(t, 0, empty.Total)
	assert.Empty(t, empty.TopSources)
}
