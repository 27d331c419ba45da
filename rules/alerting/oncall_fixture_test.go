package alerting

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// The notifier tests' duty: the rosters and the policy of the oncall
// package's tests (rules/alerting/oncall), so the same people are paged.
const (
	ntDaily = `
name: 网络值班
people:
  - {name: 张三, phone: "13800000001", wecom: zhangsan, user: zhang3}
  - {name: 李四, phone: "13800000002", dingtalk: lisi}
  - {name: 王五, phone: "13800000003"}
  - {name: 赵六, phone: "13800000004"}
rotation: {kind: daily, handover: "08:30", start: "2026-11-28", participants: [张三, 李四, 王五]}
holidays: {dates: ["2027-01-01", "2026-12-31"], participants: [赵六, 王五]}
overrides: [{from: "2026-12-02 20:00", to: "2026-12-03 08:30", person: 赵六}]
`
	ntLeaders = `
name: 领导
people: [{name: 主任, phone: "13900000001"}, {name: 局长, phone: "13900000002"}]
rotation: {kind: daily, handover: "08:30", start: "2026-11-01", participants: [主任]}
`
	// Pages: 0 at +0, 1 at +10m, 2 at +20m, 3 at +30m (step 2 repeated twice), 4 at +60m.
	ntPolicy = `
name: 网络故障
min_severity: major
steps:
  - {after: 0s, rosters: [网络值班], channels: [wecom]}
  - {after: 10m, rosters: [网络值班], people: [主任], channels: [wecom, sms], repeat: 2}
  - {after: 30m, people: [局长], channels: [phone]}
`
)

func ntPolicyOf(t testing.TB) *oncall.Policy {
	t.Helper()
	var p oncall.Policy
	require.NoError(t, yaml.Unmarshal([]byte(ntPolicy), &p))
	require.NoError(t, p.Validate())
	return &p
}

func ntDirectory(t testing.TB) *oncall.Directory {
	t.Helper()
	var rosters []*oncall.Roster
	for _, doc := range []string{ntDaily, ntLeaders} {
		r, err := oncall.ParseRoster([]byte(doc))
		require.NoError(t, err)
		rosters = append(rosters, r)
	}
	d, err := oncall.NewDirectory(rosters...)
	require.NoError(t, err)
	return d
}
