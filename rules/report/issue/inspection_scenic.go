package issue

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/prometheus/promql"

	"github.com/swanwatch/swanwatch/rules/report"
)

// The scenic area's part of the inspection report: the series of
// docs/swanlake.md as they are at the report's time, and the passages of
// the 24 h before it (increase() of the counters, resets included).
const (
	inspectCameras    = `up{kind="camera"}`
	inspectFaults     = `camera_vqd_fault == 1`
	inspectRecording  = `nvr_channel_recording`
	inspectRetention  = `nvr_channel_retention_days`
	inspectRequired   = `nvr_retention_required_days`
	inspectNVRDisks   = `nvr_disk_ok`
	inspectFree       = `parking_free_spaces`
	inspectCapacity   = `parking_capacity`
	inspectFlowFormat = `round(sum(increase(%s{direction=%q}[1d])))`
)

// inspectDevices are the park devices by kind and series.
var inspectDevices = []struct{ kind, expr string }{
	{report.DeviceGate, `gate_ok`}, {report.DeviceBarrier, `barrier_ok`}, {report.DeviceLED, `led_on`},
}

// scenicAt reads the scenic area as at at.
func scenicAt(ctx context.Context, q Instant, at time.Time) (report.ScenicSnapshot, error) {
	var s report.ScenicSnapshot
	read := func(expr string) (promql.Vector, error) {
		v, err := q(ctx, expr, at)
		if err != nil {
			return nil, fmt.Errorf("inspection scenic area %s: %w", expr, err)
		}
		return v, nil
	}
	var err error
	if s.Cameras, err = cameras(read); err != nil {
		return s, err
	}
	if s.Channels, err = channels(read); err != nil {
		return s, err
	}
	disks, err := read(inspectNVRDisks)
	if err != nil {
		return s, err
	}
	for _, d := range disks {
		s.Disks = append(s.Disks, report.DiskState{NVR: d.Metric.Get("instance"), Disk: d.Metric.Get("disk"), OK: d.F == 1})
	}
	if s.Devices, err = devices(read); err != nil {
		return s, err
	}
	if s.Lots, err = lots(read); err != nil {
		return s, err
	}
	s.Flow, err = flow(read)
	return s, err
}

type reader func(expr string) (promql.Vector, error)

func cameras(read reader) ([]report.CameraState, error) {
	up, err := read(inspectCameras)
	if err != nil {
		return nil, err
	}
	faults, err := read(inspectFaults)
	if err != nil {
		return nil, err
	}
	byCamera := map[string][]string{}
	for _, f := range faults {
		byCamera[f.Metric.Get("instance")] = append(byCamera[f.Metric.Get("instance")], f.Metric.Get("fault"))
	}
	out := make([]report.CameraState, 0, len(up))
	for _, c := range up {
		name := c.Metric.Get("instance")
		out = append(out, report.CameraState{Instance: name, Site: c.Metric.Get("site"), Online: c.F == 1, Faults: byCamera[name]})
	}
	return out, nil
}

func channels(read reader) ([]report.ChannelState, error) {
	rec, err := read(inspectRecording)
	if err != nil {
		return nil, err
	}
	kept, err := read(inspectRetention)
	if err != nil {
		return nil, err
	}
	required, err := read(inspectRequired)
	if err != nil {
		return nil, err
	}
	days := map[[2]string]float64{}
	for _, k := range kept {
		days[[2]string{k.Metric.Get("instance"), k.Metric.Get("channel")}] = k.F
	}
	need := map[string]float64{}
	for _, r := range required {
		need[r.Metric.Get("instance")] = r.F
	}
	out := make([]report.ChannelState, 0, len(rec))
	for _, c := range rec {
		nvr, ch := c.Metric.Get("instance"), c.Metric.Get("channel")
		kept, known := days[[2]string{nvr, ch}]
		st := report.ChannelState{NVR: nvr, Channel: ch, Camera: c.Metric.Get("camera"), Site: c.Metric.Get("site"),
			Recording: c.F == 1, Retention: kept}
		if known {
			st.Required = need[nvr] // no retention figure: no judgement
		}
		out = append(out, st)
	}
	return out, nil
}

func devices(read reader) ([]report.ParkDeviceState, error) {
	var out []report.ParkDeviceState
	for _, d := range inspectDevices {
		vec, err := read(d.expr)
		if err != nil {
			return nil, err
		}
		for _, s := range vec {
			out = append(out, report.ParkDeviceState{Kind: d.kind, Instance: s.Metric.Get("instance"),
				Name: s.Metric.Get("gate"), Site: s.Metric.Get("site"), OK: s.F == 1})
		}
	}
	return out, nil
}

func lots(read reader) ([]report.LotState, error) {
	free, err := read(inspectFree)
	if err != nil {
		return nil, err
	}
	capacity, err := read(inspectCapacity)
	if err != nil {
		return nil, err
	}
	size := map[[2]string]float64{}
	for _, c := range capacity {
		size[[2]string{c.Metric.Get("instance"), c.Metric.Get("lot")}] = c.F
	}
	out := make([]report.LotState, 0, len(free))
	for _, f := range free {
		lot := f.Metric.Get("lot")
		out = append(out, report.LotState{Lot: lot, Site: f.Metric.Get("site"), Free: f.F,
			Capacity: size[[2]string{f.Metric.Get("instance"), lot}]})
	}
	return out, nil
}

// flow is the passages of the last 24 h; a figure no counter reported is
// unknown (无数据), not 0.
func flow(read reader) (report.FlowFigures, error) {
	var f report.FlowFigures
	for _, x := range []struct {
		v              *report.Value
		metric, direct string
	}{
		{&f.VisitorsIn, "gate_passages_total", "in"}, {&f.VisitorsOut, "gate_passages_total", "out"},
		{&f.VehiclesIn, "vehicle_passages_total", "in"}, {&f.VehiclesOut, "vehicle_passages_total", "out"},
	} {
		vec, err := read(fmt.Sprintf(inspectFlowFormat, x.metric, x.direct))
		if err != nil {
			return f, err
		}
		*x.v = report.Value{Kind: report.Count}
		if len(vec) == 1 {
			*x.v = report.Value{V: vec[0].F, Kind: report.Count, Known: true}
		}
	}
	return f, nil
}
