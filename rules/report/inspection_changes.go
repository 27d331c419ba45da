package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// changeOrder is the order of Change kinds in the report.
var changeOrder = []string{
	ChangeAgentOffline, ChangeAgentOnline, ChangeAgentAdded, ChangeAgentRemoved,
	ChangeLinkDown, ChangeLinkUp, ChangeRedundancy, ChangeLinkAdded, ChangeLinkRemoved,
	ChangeIncidentOpened, ChangeIncidentResolved,
}

var changeWords = map[string]string{
	ChangeAgentOffline: "插件离线", ChangeAgentOnline: "插件恢复在线", ChangeAgentAdded: "新增插件", ChangeAgentRemoved: "移除插件",
	ChangeLinkDown: "链路中断", ChangeLinkUp: "链路恢复", ChangeRedundancy: "冗余变化", ChangeLinkAdded: "新增链路",
	ChangeLinkRemoved: "移除链路", ChangeIncidentOpened: "新发事件", ChangeIncidentResolved: "事件已恢复",
}

func onlineWord(up bool) string {
	if up {
		return "在线"
	}
	return "离线"
}

func upWord(up bool) string {
	if up {
		return "正常"
	}
	return "中断"
}

// changes compares today's snapshot with yesterday's and lists the
// incidents opened or resolved in the 24 h before At. An incident may be
// both; an open incident is looked at too, in case it is not in recent.
func (b *inspectionBuild) changes(today, yesterday Snapshot, recent, open []IncidentInfo) {
	b.agentChanges(today.Agents, yesterday.Agents)
	b.linkChanges(today.Links, yesterday.Links)
	from := b.in.At.Add(-24 * time.Hour)
	in24 := func(t time.Time) bool { return t.After(from) && !t.After(b.in.At) }
	seen := map[string]bool{}
	for _, in := range append(slices.Clone(recent), open...) {
		if seen[in.ID] {
			continue
		}
		seen[in.ID] = true
		detail := word(severityWords, in.Severity) + " · " + in.Title
		if in24(in.Opened) {
			b.add(ChangeIncidentOpened, in.ID, in.District, detail, in.Opened)
		}
		if in24(in.Resolved) {
			b.add(ChangeIncidentResolved, in.ID, in.District, detail, in.Resolved)
		}
	}
	slices.SortStableFunc(b.out.Changes, func(x, y Change) int {
		return cmp.Or(cmp.Compare(slices.Index(changeOrder, x.Kind), slices.Index(changeOrder, y.Kind)),
			x.At.Compare(y.At), cmp.Compare(districtRank(x.District), districtRank(y.District)),
			cmp.Compare(x.Entity, y.Entity))
	})
}

func (b *inspectionBuild) add(kind, entity, district, detail string, at time.Time) {
	b.out.Changes = append(b.out.Changes, Change{Kind: kind, Entity: entity, District: district, Detail: detail, At: at})
}

// noBaseline says why a kind of object has no changes listed: nothing was
// known 24 h earlier (the first day of the system, or data lost), and
// listing every object as new would bury the day's real changes.
func (b *inspectionBuild) noBaseline(what string, today int) bool {
	if today == 0 {
		return false
	}
	b.out.Notes = append(b.out.Notes, fmt.Sprintf("昨日同一时刻无%s数据（系统首日运行或数据缺失），%d 个%s的变化未列出。", what, today, what))
	return true
}

func (b *inspectionBuild) agentChanges(today, yesterday []AgentState) {
	if len(yesterday) == 0 && b.noBaseline("监控插件", len(today)) {
		return
	}
	pairUp(today, yesterday, func(a AgentState) string { return a.Instance }, func(a, y AgentState, had bool) {
		switch {
		case !had:
			b.add(ChangeAgentAdded, a.Instance, a.District, a.System+" · 当前"+onlineWord(a.Online), time.Time{})
		case y.Online && !a.Online:
			b.add(ChangeAgentOffline, a.Instance, a.District, a.System, time.Time{})
		case !y.Online && a.Online:
			b.add(ChangeAgentOnline, a.Instance, a.District, a.System, time.Time{})
		}
	}, func(y AgentState) { b.add(ChangeAgentRemoved, y.Instance, y.District, y.System, time.Time{}) })
}

func (b *inspectionBuild) linkChanges(today, yesterday []LinkState) {
	if len(yesterday) == 0 && b.noBaseline("链路", len(today)) {
		return
	}
	pairUp(today, yesterday, func(l LinkState) string { return l.Name }, func(l, y LinkState, had bool) {
		switch {
		case !had:
			b.add(ChangeLinkAdded, l.Name, l.District, l.Level+" · 当前"+upWord(l.Up), time.Time{})
			return
		case y.Up && !l.Up:
			b.add(ChangeLinkDown, l.Name, l.District, l.Level, time.Time{})
		case !y.Up && l.Up:
			b.add(ChangeLinkUp, l.Name, l.District, l.Level, time.Time{})
		}
		if y.Redundancy != l.Redundancy {
			detail := fmt.Sprintf("%s · 冗余 %s→%s", l.Level, redundancyWords[y.Redundancy], redundancyWords[l.Redundancy])
			b.add(ChangeRedundancy, l.Name, l.District, detail, time.Time{})
		}
	}, func(y LinkState) { b.add(ChangeLinkRemoved, y.Name, y.District, y.Level, time.Time{}) })
}

// pairUp walks today's entries against yesterday's by key: each of today's
// with yesterday's (had is false for a new one), in today's order, then
// each of yesterday's that is gone, in yesterday's order.
func pairUp[T any](today, yesterday []T, key func(T) string, each func(cur, prev T, had bool), gone func(prev T)) {
	before := make(map[string]T, len(yesterday))
	for _, y := range yesterday {
		before[key(y)] = y
	}
	for _, t := range today {
		y, had := before[key(t)]
		delete(before, key(t))
		each(t, y, had)
	}
	for _, y := range yesterday {
		if _, left := before[key(y)]; left {
			gone(y)
		}
	}
}

// trends forecasts every series and keeps those already past their
// threshold or reaching it within the horizon: past first, then soonest.
func (b *inspectionBuild) trends() {
	b.forecastAll(MetricDisk, b.in.Disk, b.in.DiskThreshold)
	b.forecastAll(MetricBandwidth, b.in.Bandwidth, b.in.BandwidthThreshold)
	rank := func(t Trend) int {
		if t.Status == TrendPast {
			return -1
		}
		return t.DaysLeft
	}
	slices.SortFunc(b.out.Trends, func(x, y Trend) int {
		return cmp.Or(cmp.Compare(rank(x), rank(y)), cmp.Compare(y.Current, x.Current),
			cmp.Compare(x.Metric, y.Metric), cmp.Compare(x.Entity, y.Entity))
	})
}

func (b *inspectionBuild) forecastAll(metric string, series []Series, threshold float64) {
	for _, s := range series {
		tr, _ := Forecast(s.Points, threshold)
		b.out.Checked++
		if bad := len(s.Points) - tr.Points; bad > 0 {
			b.note("point", fmt.Sprintf("%s 的%s序列有 %d 个无效数据点（非数值），已剔除。", s.Entity, metricWords[metric], bad))
		}
		tr.Entity, tr.District, tr.System, tr.Metric = s.Entity, s.District, s.System, metric
		switch {
		case tr.Status == TrendFewPoints:
			b.out.FewPoints++
		case tr.Status == TrendPast, tr.Status == TrendRising && tr.DaysLeft <= b.in.HorizonDays:
			b.out.Trends = append(b.out.Trends, tr)
		}
	}
}

var metricWords = map[string]string{MetricDisk: "磁盘使用率", MetricBandwidth: "带宽利用率"}
