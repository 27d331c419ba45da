package oncall

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// DutyAt is the wall's 值班 panel: who is on duty in every roster with the
// end of the shift, and the 重保期 banner while a watch is in force.
func TestDutyAt(t *testing.T) {
	daily, weekly := ocRoster(t, ocDaily), ocRoster(t, ocWeekly)
	people, banner := DutyAt([]*Roster{daily, weekly}, ocWatchList(t), ocAt(t, "2026-11-30 10:00"))
	assert.Equal(t, []OnDutyNow{
		{Name: "王五", Roster: "网络值班", Phone: "13800000003", Until: ocAt(t, "2026-12-01 08:30")},
		{Name: "A", Roster: "机房值班", Phone: "1", Until: ocAt(t, "2026-12-07 09:00")},
	}, people)
	assert.Empty(t, banner, "no watch in November")

	_, banner = DutyAt(nil, ocWatchList(t), ocAt(t, "2027-02-06 12:00"))
	assert.Contains(t, banner, "春节")
}
