package issue

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/prometheus/promql"

	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/report"
)

// The cloud platform's part of the inspection report: the series of
// docs/cloud.md and the cloud, hardware and machine-room packs as they are
// at the report's time, and the backup jobs as the jobs service holds them.
const (
	inspectHosts       = `hypervisor_host_up`
	inspectMaintenance = `hypervisor_host_maintenance == 1`
	inspectServers     = `swanwatch:server_hardware_health:max`
	inspectDrives      = `bmc_drive_predicted_failure == 1`
	inspectOnBattery   = `ups_on_battery`
	inspectUPSMinutes  = `ups_battery_minutes_remaining`
	inspectUPSCharge   = `ups_battery_charge_ratio`
	inspectFeeds       = `up{kind="device", feed=~"A|B"}`
	inspectFeedLoad    = `swanwatch:rack_feed_load:ratio`
	inspectRoomTemp    = `swanwatch:room_temperature_max:celsius`
	inspectRoomHumid   = `swanwatch:room_humidity_max:ratio`
	inspectDSUsed      = `swanwatch:hypervisor_datastore_used:ratio`
	inspectDSFull      = `swanwatch:hypervisor_datastore_days_until_full:days`
)

// cloudAt reads the cloud platform as at at.
func (s *Service) cloudAt(ctx context.Context, at time.Time) (report.CloudSnapshot, error) {
	var c report.CloudSnapshot
	read := func(expr string) (promql.Vector, error) {
		v, err := s.o.Instant(ctx, expr, at)
		if err != nil {
			return nil, fmt.Errorf("inspection cloud %s: %w", expr, err)
		}
		return v, nil
	}
	var err error
	if c.Hosts, err = hosts(read); err != nil {
		return c, err
	}
	if c.Servers, c.Drives, err = hardware(read); err != nil {
		return c, err
	}
	if c.UPS, err = upses(read); err != nil {
		return c, err
	}
	if c.Racks, err = racks(read); err != nil {
		return c, err
	}
	if c.Rooms, err = rooms(read); err != nil {
		return c, err
	}
	if c.Datastores, err = datastores(read); err != nil {
		return c, err
	}
	c.JobsOn, c.Backups = s.backups()
	return c, nil
}

// backups are the backup jobs as the jobs service sees them now.
func (s *Service) backups() (bool, []report.BackupState) {
	if s.o.Jobs == nil {
		return false, nil
	}
	views := s.o.Jobs.List()
	var out []report.BackupState
	for _, v := range views {
		if v.Kind != jobs.KindBackup {
			continue
		}
		b := report.BackupState{Job: v.Name, System: v.System, State: v.State, StateText: v.StateText, LastSuccess: v.LastSuccessAt}
		if v.LastRun != nil {
			b.LastRun, b.LastStatus = v.LastRun.StartedAt, v.LastRun.Status
		}
		out = append(out, b)
	}
	return len(views) > 0, out
}

// keyed maps a vector by the values of some labels.
func keyed(v promql.Vector, names ...string) map[string]float64 {
	out := make(map[string]float64, len(v))
	for _, s := range v {
		out[key(s, names...)] = s.F
	}
	return out
}

func key(s promql.Sample, names ...string) string {
	k := ""
	for _, n := range names {
		k += s.Metric.Get(n) + "\x00"
	}
	return k
}

func known(m map[string]float64, k string, kind report.Kind) report.Value {
	v, ok := m[k]
	return report.Value{V: v, Kind: kind, Known: ok}
}

func hosts(read reader) ([]report.HostState, error) {
	up, err := read(inspectHosts)
	if err != nil {
		return nil, err
	}
	maint, err := read(inspectMaintenance)
	if err != nil {
		return nil, err
	}
	inMaint := keyed(maint, "instance", "host")
	out := make([]report.HostState, 0, len(up))
	for _, h := range up {
		_, m := inMaint[key(h, "instance", "host")]
		out = append(out, report.HostState{Host: h.Metric.Get("host"), Cluster: h.Metric.Get("cluster"), Up: h.F == 1, Maintenance: m})
	}
	return out, nil
}

func hardware(read reader) ([]report.ServerHealth, []report.DriveAlarm, error) {
	srv, err := read(inspectServers)
	if err != nil {
		return nil, nil, err
	}
	drv, err := read(inspectDrives)
	if err != nil {
		return nil, nil, err
	}
	servers := make([]report.ServerHealth, 0, len(srv))
	for _, s := range srv {
		servers = append(servers, report.ServerHealth{Server: serverName(s), Rack: s.Metric.Get("rack"), Health: s.F})
	}
	drives := make([]report.DriveAlarm, 0, len(drv))
	for _, d := range drv {
		drives = append(drives, report.DriveAlarm{Server: serverName(d), Rack: d.Metric.Get("rack"), Drive: d.Metric.Get("drive")})
	}
	return servers, drives, nil
}

// serverName is the server label, or the BMC's target when it has none
// (as the hardware pack's alerts name it).
func serverName(s promql.Sample) string {
	if n := s.Metric.Get("server"); n != "" {
		return n
	}
	return s.Metric.Get("instance")
}

func upses(read reader) ([]report.UPSState, error) {
	on, err := read(inspectOnBattery)
	if err != nil {
		return nil, err
	}
	mins, err := read(inspectUPSMinutes)
	if err != nil {
		return nil, err
	}
	charge, err := read(inspectUPSCharge)
	if err != nil {
		return nil, err
	}
	m, c := keyed(mins, "instance"), keyed(charge, "instance")
	out := make([]report.UPSState, 0, len(on))
	for _, u := range on {
		k := key(u, "instance")
		out = append(out, report.UPSState{Instance: u.Metric.Get("instance"), Room: u.Metric.Get("room"), OnBattery: u.F == 1,
			Minutes: known(m, k, report.Number), Charge: known(c, k, report.Ratio)})
	}
	return out, nil
}

// racks are the racks with a PDU of either feed: each feed up, down or
// absent from the inventory, and its load of its rating.
func racks(read reader) ([]report.RackPower, error) {
	feeds, err := read(inspectFeeds)
	if err != nil {
		return nil, err
	}
	loads, err := read(inspectFeedLoad)
	if err != nil {
		return nil, err
	}
	load := keyed(loads, "room", "rack", "feed")
	by := map[[2]string]*report.RackPower{}
	var order [][2]string
	for _, f := range feeds {
		k := [2]string{f.Metric.Get("room"), f.Metric.Get("rack")}
		r := by[k]
		if r == nil {
			r = &report.RackPower{Room: k[0], Rack: k[1], LoadA: report.Value{Kind: report.Ratio}, LoadB: report.Value{Kind: report.Ratio}}
			by[k] = r
			order = append(order, k)
		}
		state := report.FeedDown
		if f.F == 1 {
			state = report.FeedUp
		}
		feed := f.Metric.Get("feed")
		lv := known(load, key(f, "room", "rack", "feed"), report.Ratio)
		switch {
		case feed == "A" && r.A != report.FeedUp: // two PDUs on one feed: one answering carries it
			r.A, r.LoadA = state, lv
		case feed == "B" && r.B != report.FeedUp:
			r.B, r.LoadB = state, lv
		}
	}
	out := make([]report.RackPower, 0, len(order))
	for _, k := range order {
		out = append(out, *by[k])
	}
	return out, nil
}

func rooms(read reader) ([]report.RoomClimate, error) {
	temp, err := read(inspectRoomTemp)
	if err != nil {
		return nil, err
	}
	humid, err := read(inspectRoomHumid)
	if err != nil {
		return nil, err
	}
	t, h := keyed(temp, "room"), keyed(humid, "room")
	seen := map[string]bool{}
	var out []report.RoomClimate
	for _, v := range append(temp, humid...) {
		name := v.Metric.Get("room")
		if seen[name] {
			continue
		}
		seen[name] = true
		k := key(v, "room")
		out = append(out, report.RoomClimate{Room: name, TempMax: known(t, k, report.Number), HumidMax: known(h, k, report.Ratio)})
	}
	return out, nil
}

func datastores(read reader) ([]report.DatastoreState, error) {
	used, err := read(inspectDSUsed)
	if err != nil {
		return nil, err
	}
	full, err := read(inspectDSFull)
	if err != nil {
		return nil, err
	}
	days := keyed(full, "datastore")
	out := make([]report.DatastoreState, 0, len(used))
	for _, d := range used {
		out = append(out, report.DatastoreState{Datastore: d.Metric.Get("datastore"), Used: report.Value{V: d.F, Kind: report.Ratio, Known: true},
			DaysToFull: known(days, key(d, "datastore"), report.Number)})
	}
	return out, nil
}
