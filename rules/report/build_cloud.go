package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/rules/ha"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The government cloud platform (七、政务云平台, R-A9, R-A8, R-C1): the
// HA proof from rules/ha, the backup and data-exchange jobs from rules/jobs
// (both read by the caller at generation, like the findings' follow-up), and
// the hardware faults and machine-room episodes from the month's frozen
// incidents. A source that is not connected is said so (未接入), never shown
// as zeros.

// CloudInput is what the cloud section reads besides the ledger.
type CloudInput struct {
	// HA is the month's host failures (rules/ha Tracker.Month); nil: no
	// hypervisor is watched (未接入).
	HA *ha.MonthFigures
	// Jobs is every configured job's month (rules/jobs Service.Month);
	// JobsOn false: no job is configured (未接入).
	Jobs   []jobs.JobMonth
	JobsOn bool
	// HardwareOn: some server's BMC is watched; RoomsOn: some machine-room
	// device (UPS, PDU, sensor) is. Without it and without an incident of
	// its kind the part says 未接入; incidents of the month are shown anyway.
	HardwareOn, RoomsOn bool
}

// CloudSection is 七、政务云平台.
type CloudSection struct {
	HAOn     bool
	HA       HASummary
	Backups  JobGroup // kind backup (R-A9)
	Exchange JobGroup // kind exchange, the data exchange platform (R-C1)
	// Hardware faults: incidents of the hardware pack and the BMC event pack,
	// by server and kind (per server the most severe first).
	HardwareOn bool
	Hardware   []HardwareFault
	// HardwareIncidents counts the incidents behind Hardware.
	HardwareIncidents int
	RoomsOn           bool
	Rooms             []RoomFigures // by room name
	RoomEvents        []RoomEvent   // every episode, by time
}

// HASummary is the month's host failures and what HA did (R-A9).
type HASummary struct {
	HostFailures, VMsAffected, RestartedByHA, InPlace, NotRecovered, StillDown int
	Median, Longest                                                            Value // Seconds, over the VMs HA brought back
	Failures                                                                   []HAFailure
	VMs                                                                        []HAVM // every VM of every failure
}

// HAFailure is one host failure.
type HAFailure struct {
	Host, Cluster, Kind   string // Kind: host_failed | host_isolated
	FailedAt, RecoveredAt time.Time
	VMs, ByHA, NotBack    int
	Longest               Value // Seconds, the longest downtime of a VM brought back
}

// HAVM is one VM of a failed host.
type HAVM struct {
	Host, VM, Outcome, ToHost string // Outcome in words (HA已重启 …)
	FailedAt, BackAt          time.Time
	Downtime                  Value // Seconds; unknown while not back
}

// JobGroup is the jobs of one kind and their overall success rate.
type JobGroup struct {
	On   bool // some job of the kind is configured
	Jobs []JobFigures
	// Total sums the jobs; its Rate is Σ successes ÷ Σ expected runs
	// (each job's successes at most its expected runs).
	Total JobFigures
}

// JobFigures is one job's month.
type JobFigures struct {
	Job, System                                          string
	Expected, Runs, Successes, Failures, Missed, TooLong int
	Rate                                                 Value // Ratio; unknown when nothing was due
}

// HardwareFault is one server's incidents of one kind in the month.
type HardwareFault struct {
	Server, Rack, Kind string // Kind in words: 硬盘预测性故障 …
	Severity           string // the most severe of them
	Count, Open        int
	First, Last        time.Time // first fired of the first and of the last
}

// RoomFigures is one machine room's month.
type RoomFigures struct {
	Room                                   string
	OnBattery                              int   // UPS on battery episodes (市电中断)
	OnBatteryS                             int64 // their time, until resolved or the report's as-of time
	SinglePower, FeedOverHalf              int   // dual power violations: one feed, a feed over half its rating
	TempHigh, TempLow, HumidHigh, HumidLow int   // climate excursions
	BatteryLow, RuntimeLow                 int
}

// RoomEvent is one machine-room episode.
type RoomEvent struct {
	Room, Rack, Kind, Severity string    // Kind in words
	Start, End                 time.Time // End zero while open
	Length                     Value     // Seconds, until End or the as-of time
}

// hardwareKinds are the alerts of rules/packs/hardware.yml and
// rules/eventrules/packs/bmc.yml that are hardware faults, in words.
// BmcUnreachable is not one: the server's management cannot be read.
var hardwareKinds = map[string]string{
	"ServerHardwareCritical": "部件严重故障", "ServerHardwareWarning": "部件告警",
	"ServerHealthRollupCritical": "整机健康严重", "ServerHealthRollupWarning": "整机健康告警",
	"DrivePredictedFailure": "硬盘预测性故障", "DriveWearOut": "硬盘寿命将尽",
	"MemoryCorrectableErrorsRising": "内存可纠正错误增多", "MemoryUncorrectableError": "内存不可纠正错误",
	"PowerSupplyFailed": "电源故障", "ServerSinglePowerSupply": "服务器单电源运行", "FanFailed": "风扇故障",
	"TemperatureAboveCritical": "服务器温度超过严重阈值", "ServerCriticalHardwareEvent": "带外管理严重事件",
}

// roomKinds are the alerts of rules/packs/machineroom.yml the section counts, in words.
var roomKinds = map[string]string{
	"UpsOnBattery": "市电中断（UPS电池供电）", "UpsBatteryLow": "UPS电池电量低", "UpsRuntimeLow": "UPS剩余供电时间不足",
	"RackSinglePower": "双路供电缺失", "RackFeedOverHalf": "单路无法承载整柜",
	"RoomTemperatureHigh": "机房温度过高", "RoomTemperatureLow": "机房温度过低",
	"RoomHumidityHigh": "机房湿度过高", "RoomHumidityLow": "机房湿度过低",
}

// cloud is the section from the input and the month's incidents.
func (b *builder) cloud() CloudSection {
	c := CloudSection{HardwareOn: b.in.Cloud.HardwareOn, RoomsOn: b.in.Cloud.RoomsOn}
	if h := b.in.Cloud.HA; h != nil {
		c.HAOn, c.HA = true, haSummary(*h)
	}
	if b.in.Cloud.JobsOn {
		c.Backups, c.Exchange = jobGroup(b.in.Cloud.Jobs, jobs.KindBackup), jobGroup(b.in.Cloud.Jobs, jobs.KindExchange)
	}
	b.cloudIncidents(&c)
	return c
}

func haSummary(m ha.MonthFigures) HASummary {
	s := HASummary{HostFailures: m.HostFailures, VMsAffected: m.VMsAffected, RestartedByHA: m.RestartedByHA,
		InPlace: m.InPlace, NotRecovered: m.NotRecovered, StillDown: m.StillDown,
		Median: Value{Kind: Seconds}, Longest: Value{Kind: Seconds}}
	if m.RestartedByHA > 0 {
		s.Median, s.Longest = secondsOf(m.MedianDowntime), secondsOf(m.LongestDowntime)
	}
	for _, f := range m.Failures {
		hf := HAFailure{Host: f.Host, Cluster: f.Cluster, Kind: f.Kind, FailedAt: f.FailedAt, RecoveredAt: f.RecoveredAt,
			VMs: len(f.VMs), Longest: Value{Kind: Seconds}}
		for _, v := range f.VMs {
			vm := HAVM{Host: f.Host, VM: v.Name, Outcome: v.Outcome.Text(), ToHost: v.ToHost, FailedAt: f.FailedAt,
				BackAt: v.BackAt, Downtime: Value{Kind: Seconds}}
			if v.Outcome.Back() {
				vm.Downtime = secondsOf(v.Downtime)
			}
			switch {
			case v.Outcome.ByHA():
				hf.ByHA++
				if d := secondsOf(v.Downtime); !hf.Longest.Known || d.V > hf.Longest.V {
					hf.Longest = d
				}
			case !v.Outcome.Back() && v.Outcome != ha.Pending:
				hf.NotBack++
			}
			s.VMs = append(s.VMs, vm)
		}
		s.Failures = append(s.Failures, hf)
	}
	return s
}

func secondsOf(d time.Duration) Value { return Value{V: d.Seconds(), Kind: Seconds, Known: true} }

// jobGroup is the jobs of kind with their rates; the total's rate counts
// each job's successes up to its expected runs, as its own rate does.
func jobGroup(all []jobs.JobMonth, kind string) JobGroup {
	g := JobGroup{Total: JobFigures{Job: "合计"}}
	for _, m := range all {
		if m.Kind != kind {
			continue
		}
		g.On = true
		f := JobFigures{Job: m.Job, System: m.System, Expected: m.Expected, Runs: m.Runs, Successes: m.Successes,
			Failures: m.Failures, Missed: m.Missed, TooLong: m.TooLong, Rate: jobRate(min(m.Successes, m.Expected), m.Expected)}
		g.Jobs = append(g.Jobs, f)
		t := &g.Total
		t.Expected, t.Runs, t.Successes = t.Expected+m.Expected, t.Runs+m.Runs, t.Successes+min(m.Successes, m.Expected)
		t.Failures, t.Missed, t.TooLong = t.Failures+m.Failures, t.Missed+m.Missed, t.TooLong+m.TooLong
	}
	g.Total.Rate = jobRate(g.Total.Successes, g.Total.Expected)
	return g
}

func jobRate(ok, expected int) Value {
	if expected == 0 {
		return Value{Kind: Ratio}
	}
	return Value{V: float64(ok) / float64(expected), Kind: Ratio, Known: true}
}

// cloudIncidents sorts the month's incidents of hardware and machine rooms.
func (b *builder) cloudIncidents(c *CloudSection) {
	asOf := b.in.Info.FrozenAt
	if asOf.IsZero() {
		asOf = b.in.GeneratedAt
	}
	type hwKey struct{ server, rack, kind string }
	hw := map[hwKey]*HardwareFault{}
	rooms := map[string]*RoomFigures{}
	for _, inc := range b.in.Info.Incidents {
		if kind, ok := hardwareKinds[inc.Alertname]; ok {
			c.HardwareIncidents++
			k := hwKey{label(inc.Labels, "server", label(inc.Labels, "instance", "—")), label(inc.Labels, "rack", "—"), kind}
			f := hw[k]
			if f == nil {
				f = &HardwareFault{Server: k.server, Rack: k.rack, Kind: kind, Severity: inc.Severity, First: inc.FirstFired}
				hw[k] = f
			}
			f.Count++
			if inc.ResolvedAt.IsZero() {
				f.Open++
			}
			if sevRank(inc.Severity) < sevRank(f.Severity) {
				f.Severity = inc.Severity
			}
			f.First, f.Last = minTime(f.First, inc.FirstFired), maxTime(f.Last, inc.FirstFired)
			continue
		}
		if kind, ok := roomKinds[inc.Alertname]; ok {
			room := label(inc.Labels, "room", "未标注机房")
			r := rooms[room]
			if r == nil {
				r = &RoomFigures{Room: room}
				rooms[room] = r
			}
			length := incidentLength(inc, asOf)
			countRoom(r, inc.Alertname, length)
			c.RoomEvents = append(c.RoomEvents, RoomEvent{Room: room, Rack: label(inc.Labels, "rack", "—"), Kind: kind,
				Severity: inc.Severity, Start: inc.FirstFired, End: inc.ResolvedAt, Length: secondsOf(length)})
		}
	}
	for _, f := range hw {
		c.Hardware = append(c.Hardware, *f)
	}
	slices.SortFunc(c.Hardware, func(x, y HardwareFault) int {
		return cmp.Or(cmp.Compare(x.Server, y.Server), cmp.Compare(sevRank(x.Severity), sevRank(y.Severity)),
			cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Rack, y.Rack))
	})
	for _, r := range rooms {
		c.Rooms = append(c.Rooms, *r)
	}
	slices.SortFunc(c.Rooms, func(x, y RoomFigures) int { return cmp.Compare(x.Room, y.Room) })
	slices.SortStableFunc(c.RoomEvents, func(x, y RoomEvent) int {
		return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.Room, y.Room), cmp.Compare(x.Kind, y.Kind))
	})
	c.HardwareOn = c.HardwareOn || len(c.Hardware) > 0
	c.RoomsOn = c.RoomsOn || len(c.Rooms) > 0
}

// incidentLength is how long an incident lasted: until resolved, or for an
// open one until the freeze (or the generation of a provisional report).
func incidentLength(inc sla.IncidentRecord, asOf time.Time) time.Duration {
	end := inc.ResolvedAt
	if end.IsZero() {
		end = asOf
	}
	return max(end.Sub(inc.FirstFired), 0)
}

func countRoom(r *RoomFigures, alert string, length time.Duration) {
	switch alert {
	case "UpsOnBattery":
		r.OnBattery++
		r.OnBatteryS += int64(length / time.Second)
	case "UpsBatteryLow":
		r.BatteryLow++
	case "UpsRuntimeLow":
		r.RuntimeLow++
	case "RackSinglePower":
		r.SinglePower++
	case "RackFeedOverHalf":
		r.FeedOverHalf++
	case "RoomTemperatureHigh":
		r.TempHigh++
	case "RoomTemperatureLow":
		r.TempLow++
	case "RoomHumidityHigh":
		r.HumidHigh++
	case "RoomHumidityLow":
		r.HumidLow++
	}
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// values lists the section's figures, for Validate.
func (c CloudSection) values() []Value {
	vs := []Value{c.HA.Median, c.HA.Longest, c.Backups.Total.Rate, c.Exchange.Total.Rate}
	for _, f := range c.HA.Failures {
		vs = append(vs, f.Longest)
	}
	for _, v := range c.HA.VMs {
		vs = append(vs, v.Downtime)
	}
	for _, j := range append(slices.Clone(c.Backups.Jobs), c.Exchange.Jobs...) {
		vs = append(vs, j.Rate)
	}
	for _, e := range c.RoomEvents {
		vs = append(vs, e.Length)
	}
	return vs
}
