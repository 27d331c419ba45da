package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// The government cloud platform (政务云平台, R-A8, R-A9, R-A10) in the
// morning's inspection: hosts down or in maintenance, servers whose
// hardware warns or fails and drives predicting their failure, the last run
// of every backup job, the machine rooms (UPS, racks on one feed,
// temperature) and the datastores' days until full.

// CloudSnapshot is the cloud platform now, as the caller read it. A part
// with no entry was not reported at all: 无数据（未接入）.
type CloudSnapshot struct {
	Hosts      []HostState
	Servers    []ServerHealth // every server with a BMC, its worst part
	Drives     []DriveAlarm   // drives predicting their failure
	JobsOn     bool           // some job is configured (the backups' part)
	Backups    []BackupState  // every backup job
	UPS        []UPSState
	Racks      []RackPower
	Rooms      []RoomClimate
	Datastores []DatastoreState
}

// HostState is one hypervisor host.
type HostState struct {
	Host, Cluster   string
	Up, Maintenance bool
}

// ServerHealth is one server's worst part: 0 OK, 1 Warning, 2 Critical.
type ServerHealth struct {
	Server, Rack string
	Health       float64
}

// DriveAlarm is one drive that predicts its failure.
type DriveAlarm struct{ Server, Rack, Drive string }

// BackupState is one backup job as the jobs service sees it now.
type BackupState struct {
	Job, System string
	State       string // waiting | ok | failed | too_long | missed
	StateText   string // its words (正常, 作业失败 …)
	LastRun     time.Time
	LastStatus  string // success | failed | running | ""
	LastSuccess time.Time
}

// UPSState is one UPS.
type UPSState struct {
	Instance, Room string
	OnBattery      bool
	Minutes        Value // Number: battery minutes remaining; unknown when not reported
	Charge         Value // Ratio
}

// Feed states of a rack's PDU.
const (
	FeedUp   = "up"
	FeedDown = "down"
	FeedNone = "" // no PDU of that feed in the inventory
)

// RackPower is one rack's two feeds: each PDU's state and load (of its rating).
type RackPower struct {
	Room, Rack   string
	A, B         string // FeedUp, FeedDown or FeedNone
	LoadA, LoadB Value  // Ratio; unknown without a rating
}

// RoomClimate is one room's hottest and dampest sensor now.
type RoomClimate struct {
	Room              string
	TempMax, HumidMax Value // Number (°C) and Ratio
}

// DatastoreState is one datastore's use and forecast.
type DatastoreState struct {
	Datastore  string
	Used       Value // Ratio
	DaysToFull Value // Number; unknown when it is not filling
}

// CloudStatus is the cloud platform in the report.
type CloudStatus struct {
	HasHosts                bool
	Hosts, HostsUp          int
	HostsDown, Maintenance  []HostState
	HasServers              bool
	Servers, Warn, Critical int
	HardwareProblems        []HardwareProblem // critical first, then warnings, then drives
	JobsOn                  bool
	Backups                 []BackupState // by job
	BackupsFailed           int           // the last run failed, too long, or a slot missed
	HasRooms                bool
	UPS                     []UPSState // on battery first
	OnBattery               int
	SingleFeed              []RackProblem
	Rooms                   []RoomClimate
	HotRooms                int              // above RoomTempLimit
	Datastores              []DatastoreState // soonest full first; not filling last
	FillingSoon             int              // full within the horizon
}

// HardwareProblem is one server or drive not as it should be.
type HardwareProblem struct{ Server, Rack, Kind, Detail string }

// RackProblem is one rack whose power depends on one feed.
type RackProblem struct{ Room, Rack, Detail string }

// RoomTempLimit is the machine-room pack's upper temperature (RoomTemperatureHigh).
const RoomTempLimit = 27.0

// cloud judges the snapshot; unnamed entries are noted and left out.
func (b *inspectionBuild) cloud(s CloudSnapshot) {
	out := &b.out.Cloud
	b.cloudHosts(s.Hosts)
	b.cloudHardware(s.Servers, s.Drives)
	out.JobsOn = s.JobsOn
	for _, j := range s.Backups {
		if j.State != "ok" && j.State != "waiting" {
			out.BackupsFailed++
		}
		out.Backups = append(out.Backups, j)
	}
	slices.SortStableFunc(out.Backups, func(x, y BackupState) int { return cmp.Compare(x.Job, y.Job) })
	b.cloudRooms(s)
	b.cloudDatastores(s.Datastores)
}

func (b *inspectionBuild) cloudHosts(hosts []HostState) {
	out := &b.out.Cloud
	seen := map[string]bool{}
	for _, h := range hosts {
		if !b.keep(h.Host, "宿主机", "今日", seen) {
			continue
		}
		out.Hosts++
		switch {
		case h.Maintenance:
			out.Maintenance = append(out.Maintenance, h)
		case h.Up:
			out.HostsUp++
		default:
			out.HostsDown = append(out.HostsDown, h)
		}
	}
	out.HasHosts = out.Hosts > 0
	byName := func(x, y HostState) int {
		return cmp.Or(cmp.Compare(x.Cluster, y.Cluster), cmp.Compare(x.Host, y.Host))
	}
	slices.SortFunc(out.HostsDown, byName)
	slices.SortFunc(out.Maintenance, byName)
}

func (b *inspectionBuild) cloudHardware(servers []ServerHealth, drives []DriveAlarm) {
	out := &b.out.Cloud
	seen := map[string]bool{}
	var crit, warn []HardwareProblem
	for _, s := range servers {
		if !b.keep(s.Server, "服务器", "今日", seen) {
			continue
		}
		out.Servers++
		switch {
		case s.Health >= 2:
			out.Critical++
			crit = append(crit, HardwareProblem{s.Server, s.Rack, "硬件故障", "带外管理报告部件严重（Critical）"})
		case s.Health >= 1:
			out.Warn++
			warn = append(warn, HardwareProblem{s.Server, s.Rack, "硬件告警", "带外管理报告部件告警（Warning）"})
		}
	}
	var pred []HardwareProblem
	for _, d := range drives {
		pred = append(pred, HardwareProblem{d.Server, d.Rack, "预测性故障", "硬盘 " + d.Drive + " 预测即将失效，请尽快更换"})
	}
	for _, list := range [][]HardwareProblem{crit, warn, pred} {
		slices.SortStableFunc(list, func(x, y HardwareProblem) int {
			return cmp.Or(cmp.Compare(x.Server, y.Server), cmp.Compare(x.Detail, y.Detail))
		})
		out.HardwareProblems = append(out.HardwareProblems, list...)
	}
	out.HasServers = out.Servers > 0 || len(drives) > 0
}

func (b *inspectionBuild) cloudRooms(s CloudSnapshot) {
	out := &b.out.Cloud
	for _, u := range s.UPS {
		u.Minutes = b.figure(u.Minutes, "UPS "+u.Instance+" 的剩余供电时间")
		u.Charge = b.figure(u.Charge, "UPS "+u.Instance+" 的电池电量")
		if u.OnBattery {
			out.OnBattery++
		}
		out.UPS = append(out.UPS, u)
	}
	slices.SortStableFunc(out.UPS, func(x, y UPSState) int {
		return cmp.Or(-cmp.Compare(b2f(x.OnBattery), b2f(y.OnBattery)), cmp.Compare(x.Room, y.Room), cmp.Compare(x.Instance, y.Instance))
	})
	for _, r := range s.Racks {
		r.LoadA, r.LoadB = b.figure(r.LoadA, "机柜 "+r.Rack+" A路负载"), b.figure(r.LoadB, "机柜 "+r.Rack+" B路负载")
		if d := rackDetail(r); d != "" {
			out.SingleFeed = append(out.SingleFeed, RackProblem{r.Room, r.Rack, d})
		}
	}
	slices.SortStableFunc(out.SingleFeed, func(x, y RackProblem) int { return cmp.Or(cmp.Compare(x.Room, y.Room), cmp.Compare(x.Rack, y.Rack)) })
	for _, r := range s.Rooms {
		r.TempMax, r.HumidMax = b.figure(r.TempMax, "机房 "+r.Room+" 的温度"), b.figure(r.HumidMax, "机房 "+r.Room+" 的湿度")
		if r.TempMax.Known && r.TempMax.V > RoomTempLimit {
			out.HotRooms++
		}
		out.Rooms = append(out.Rooms, r)
	}
	slices.SortStableFunc(out.Rooms, func(x, y RoomClimate) int { return cmp.Compare(x.Room, y.Room) })
	out.HasRooms = len(s.UPS)+len(s.Racks)+len(s.Rooms) > 0
}

// rackDetail says why a rack depends on one feed, "" when both carry it:
// both PDUs answer and neither is above half its rating.
func rackDetail(r RackPower) string {
	var why []string
	for _, f := range []struct {
		name, state string
		load        Value
	}{{"A", r.A, r.LoadA}, {"B", r.B, r.LoadB}} {
		switch {
		case f.state == FeedNone:
			why = append(why, f.name+"路未配置")
		case f.state == FeedDown:
			why = append(why, f.name+"路PDU无响应")
		case f.load.Known && f.load.V > 0.5:
			why = append(why, f.name+"路负载 "+f.load.text()+"，超过额定电流一半")
		}
	}
	return joinWords(why)
}

func joinWords(ws []string) string {
	s := ""
	for i, w := range ws {
		if i > 0 {
			s += "；"
		}
		s += w
	}
	return s
}

func (b *inspectionBuild) cloudDatastores(ds []DatastoreState) {
	out := &b.out.Cloud
	for _, d := range ds {
		d.Used, d.DaysToFull = b.figure(d.Used, "数据存储 "+d.Datastore+" 的使用率"), b.figure(d.DaysToFull, "数据存储 "+d.Datastore+" 的写满预测")
		if d.DaysToFull.Known && d.DaysToFull.V <= float64(b.in.HorizonDays) {
			out.FillingSoon++
		}
		out.Datastores = append(out.Datastores, d)
	}
	slices.SortStableFunc(out.Datastores, func(x, y DatastoreState) int {
		switch {
		case x.DaysToFull.Known && y.DaysToFull.Known:
			return cmp.Or(cmp.Compare(x.DaysToFull.V, y.DaysToFull.V), cmp.Compare(x.Datastore, y.Datastore))
		case x.DaysToFull.Known != y.DaysToFull.Known:
			return -cmp.Compare(b2f(x.DaysToFull.Known), b2f(y.DaysToFull.Known))
		}
		return cmp.Compare(x.Datastore, y.Datastore)
	})
}

// figure keeps a reading that is a number (a ratio within 0…1); another is
// noted and shown as 无数据, so one bad sensor costs only its own figure.
func (b *inspectionBuild) figure(v Value, what string) Value {
	if !v.Known {
		return v
	}
	if math.IsNaN(v.V) || math.IsInf(v.V, 0) || (v.Kind == Ratio && (v.V < 0 || v.V > 1)) {
		b.note("cloud", fmt.Sprintf("%s读数 %v 不是有效数字，按无数据处理。", what, v.V))
		return Value{Kind: v.Kind}
	}
	return v
}

// values lists the figures, for validate.
func (c CloudStatus) values() []Value {
	var vs []Value
	for _, u := range c.UPS {
		vs = append(vs, u.Minutes, u.Charge)
	}
	for _, r := range c.Rooms {
		vs = append(vs, r.TempMax, r.HumidMax)
	}
	for _, d := range c.Datastores {
		vs = append(vs, d.Used, d.DaysToFull)
	}
	return vs
}
