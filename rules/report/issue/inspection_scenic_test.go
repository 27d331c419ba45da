package issue

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/api"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report"
)

// scenicMorning is 2026-10-31 08:00 CST, the morning run.
var scenicMorning = time.Date(2026, 10, 31, 8, 0, 0, 0, cst.Location)

func scenicSample(name string, v float64, kv ...string) collectors.Sample {
	ls := []collectors.Label{{Name: "__name__", Value: name}, {Name: "district", Value: "湖滨区"}, {Name: "system", Value: "天鹅湖景区"}}
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, collectors.Label{Name: kv[i], Value: kv[i+1]})
	}
	slices.SortFunc(ls, func(a, b collectors.Label) int { return strings.Compare(a.Name, b.Name) })
	return collectors.Sample{Labels: ls, Value: v}
}

// writeScenic writes a day of the scenic area, one round a minute up to the
// morning run: the state of the run in the last rounds, and passages
// after 09:00 until 17:00 the day before, at the minutes of the hour
// divisible by 4 (in), 8 (out) and 16 (vehicles in): 15, 8 and 4 an hour,
// so 120 in, 64 out and 32 vehicles; a counter reset at 12:00 loses nothing,
// and there is no vehicle counter out.
func writeScenic(t *testing.T, st *storage.Storage) {
	t.Helper()
	day := scenicMorning.Add(-25 * time.Hour)
	var in, out, cars float64
	for at := day; !at.After(scenicMorning); at = at.Add(time.Minute) {
		busy := at.After(scenicMorning.Add(-23*time.Hour)) && !at.After(scenicMorning.Add(-15*time.Hour)) // 09:00–17:00 yesterday
		if at.Equal(scenicMorning.Add(-20 * time.Hour)) {
			in = 0 // the gate controller restarted at 12:00
		}
		if busy && at.Minute()%4 == 0 {
			in++
			if at.Minute()%8 == 0 {
				out++
			}
		}
		if busy && at.Minute()%16 == 0 {
			cars++
		}
		round := []collectors.Sample{
			scenicSample("up", 1, "kind", "camera", "instance", "cam-n1", "site", "北门广场"),
			scenicSample("up", 0, "kind", "camera", "instance", "cam-e1", "site", "东停车场"),
			scenicSample("camera_vqd_fault", 1, "kind", "camera", "instance", "cam-n1", "site", "北门广场", "fault", "scene_change"),
			scenicSample("camera_vqd_fault", 0, "kind", "camera", "instance", "cam-n1", "site", "北门广场", "fault", "blur"),
			scenicSample("nvr_channel_recording", 0, "kind", "nvr", "instance", "nvr-1", "site", "监控中心", "channel", "101", "camera", "cam-n1"),
			scenicSample("nvr_channel_retention_days", 12, "kind", "nvr", "instance", "nvr-1", "site", "监控中心", "channel", "101", "camera", "cam-n1"),
			scenicSample("nvr_retention_required_days", 30, "kind", "nvr", "instance", "nvr-1", "site", "监控中心"),
			scenicSample("nvr_disk_ok", 1, "kind", "nvr", "instance", "nvr-1", "site", "监控中心", "disk", "1"),
			scenicSample("gate_ok", 0, "kind", "device", "instance", "gate-n", "site", "北门广场", "gate", "北门1号"),
			scenicSample("led_on", 1, "kind", "device", "instance", "led-1", "site", "北门广场"),
			scenicSample("parking_free_spaces", 80, "kind", "device", "instance", "park-1", "site", "东停车场", "lot", "A区"),
			scenicSample("parking_capacity", 200, "kind", "device", "instance", "park-1", "site", "东停车场", "lot", "A区"),
			scenicSample("gate_passages_total", in, "kind", "device", "instance", "gate-n", "site", "北门广场", "gate", "北门1号", "direction", "in"),
			scenicSample("gate_passages_total", out, "kind", "device", "instance", "gate-n", "site", "北门广场", "gate", "北门1号", "direction", "out"),
			scenicSample("vehicle_passages_total", cars, "kind", "device", "instance", "plate-1", "site", "东停车场", "gate", "东停车场入口", "direction", "in"),
		}
		require.NoError(t, st.Append(context.Background(), at, round))
	}
}

func TestScenicAtReadsTheTSDB(t *testing.T) {
	st, err := storage.Open(storage.Options{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	writeScenic(t, st)
	q := api.NewQuery(api.QueryOptions{Queryable: st.Queryable()})
	s, err := scenicAt(context.Background(), q.Instant, scenicMorning)
	require.NoError(t, err)
	slices.SortFunc(s.Cameras, func(a, b report.CameraState) int { return strings.Compare(a.Instance, b.Instance) })
	assert.Equal(t, []report.CameraState{
		{Instance: "cam-e1", Site: "东停车场"},
		{Instance: "cam-n1", Site: "北门广场", Online: true, Faults: []string{"scene_change"}},
	}, s.Cameras)
	assert.Equal(t, []report.ChannelState{{NVR: "nvr-1", Channel: "101", Camera: "cam-n1", Site: "监控中心", Retention: 12, Required: 30}}, s.Channels)
	assert.Equal(t, []report.DiskState{{NVR: "nvr-1", Disk: "1", OK: true}}, s.Disks)
	assert.Equal(t, []report.ParkDeviceState{
		{Kind: report.DeviceGate, Instance: "gate-n", Name: "北门1号", Site: "北门广场"},
		{Kind: report.DeviceLED, Instance: "led-1", Site: "北门广场", OK: true},
	}, s.Devices)
	assert.Equal(t, []report.LotState{{Lot: "A区", Site: "东停车场", Free: 80, Capacity: 200}}, s.Lots)
	assert.Equal(t, report.FlowFigures{VisitorsIn: count(120), VisitorsOut: count(64), VehiclesIn: count(32),
		VehiclesOut: report.Value{Kind: report.Count}}, s.Flow)
}

func count(n float64) report.Value { return report.Value{V: n, Kind: report.Count, Known: true} }

// The morning's report and its message carry the scenic area.
func TestInspectionHasTheScenicArea(t *testing.T) {
	st, err := storage.Open(storage.Options{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	writeScenic(t, st)
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	q := api.NewQuery(api.QueryOptions{Queryable: st.Queryable()})
	s := New(Options{Incidents: alerting.NewIncidents(db, func() time.Time { return scenicMorning }), Instant: q.Instant,
		Settings: func() Settings { return Settings{HorizonDays: 30} }, Now: func() time.Time { return scenicMorning }})
	ins, err := s.buildInspection(context.Background(), scenicMorning)
	require.NoError(t, err)
	assert.Equal(t, 2, ins.Scenic.Cameras)
	var kinds []string
	for _, p := range ins.Scenic.Problems {
		kinds = append(kinds, p.Kind)
	}
	assert.Equal(t, []string{report.ScenicCameraOffline, report.ScenicPictureFault, report.ScenicRecordingGap,
		report.ScenicRetention, report.ScenicGateFault}, kinds)
	assert.Contains(t, inspectionText(ins), "天鹅湖景区摄像机在线 1/2，设备异常 5 项，近24小时入园 120 人次。")
}
