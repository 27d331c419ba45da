package oncall

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/internal/cst"
)

func TestBoard(t *testing.T) {
	r, err := ParseRoster([]byte(`
name: 网络值班
people: [{name: 张三, phone: "13800000001"}, {name: 李四, phone: "13800000002"}]
rotation: {kind: daily, handover: "08:30", start: "2026-11-28", participants: [张三, 李四]}
`))
	require.NoError(t, err)
	var ws Watches
	require.NoError(t, yaml.Unmarshal([]byte(`
- {name: 元旦, from: "2026-12-31 00:00", to: "2027-01-02 00:00", reason: 节日保障, factor: 0.5}
- {name: 过去, from: "2026-11-01 00:00", to: "2026-11-02 00:00", reason: 旧的, factor: 0.5}
`), &ws))
	for i := range ws {
		require.NoError(t, ws[i].Validate())
	}
	now := time.Date(2026, 12, 20, 10, 0, 0, 0, cst.Location) // day 22 of the rotation: 张三
	b := NewBoard([]*Roster{r}, ws, "李四", now)
	require.Len(t, b.Rosters, 1)
	d := b.Rosters[0]
	require.NotNil(t, d.Now)
	require.NotNil(t, d.Next)
	assert.Equal(t, "张三", d.Now.Person.Name)
	assert.Equal(t, "李四", d.Next.Person.Name)
	assert.Equal(t, time.Date(2026, 12, 21, 8, 30, 0, 0, cst.Location), d.Next.Start.In(cst.Location))
	assert.Len(t, b.Mine, 7, "every other day for two weeks")
	require.Len(t, b.Watches, 1, "the past period is not shown")
	assert.Equal(t, "元旦", b.Watches[0].Name)
	assert.False(t, b.Watches[0].Active)
	assert.True(t, NewBoard(nil, ws, "", time.Date(2027, 1, 1, 9, 0, 0, 0, cst.Location)).Watches[0].Active)
}
