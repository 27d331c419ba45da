package issue

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/api"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/report"
)

func cloudSample(name string, v float64, kv ...string) collectors.Sample {
	ls := []collectors.Label{{Name: "__name__", Value: name}}
	for i := 0; i+1 < len(kv); i += 2 {
		ls = append(ls, collectors.Label{Name: kv[i], Value: kv[i+1]})
	}
	slices.SortFunc(ls, func(a, b collectors.Label) int { return strings.Compare(a.Name, b.Name) })
	return collectors.Sample{Labels: ls, Value: v}
}

// writeCloud writes the last hour before the morning run, a round a
// minute: the collectors' series and the packs' recorded ones as the rule
// engine writes them (the packs' own figures are tested in ./rules). Hosts
// esx-01 up, esx-02 down, esx-03 in maintenance; esx-02's BMC critical and
// a drive predicting failure; ups-1 on battery with 12 minutes left; rack
// A-05 with its B PDU not answering, A-06 with only feed A in the
// inventory; the main room at 28.5 °C; ds-01 full in 6.5 days, ds-02 not
// filling.
func writeCloud(t *testing.T, st *storage.Storage) {
	t.Helper()
	vc := []string{"instance", "vc-01", "kind", "hypervisor"}
	dev := func(inst string, kv ...string) []string {
		return append([]string{"instance", inst, "kind", "device", "room", "主机房"}, kv...)
	}
	for at := scenicMorning.Add(-time.Hour); !at.After(scenicMorning); at = at.Add(time.Minute) {
		round := []collectors.Sample{
			cloudSample("hypervisor_host_up", 1, append(vc, "host", "esx-01", "cluster", "政务云集群A")...),
			cloudSample("hypervisor_host_up", 0, append(vc, "host", "esx-02", "cluster", "政务云集群A")...),
			cloudSample("hypervisor_host_up", 0, append(vc, "host", "esx-03", "cluster", "政务云集群B")...),
			cloudSample("hypervisor_host_maintenance", 0, append(vc, "host", "esx-01")...),
			cloudSample("hypervisor_host_maintenance", 0, append(vc, "host", "esx-02")...),
			cloudSample("hypervisor_host_maintenance", 1, append(vc, "host", "esx-03")...),
			cloudSample("swanwatch:server_hardware_health:max", 0, "instance", "bmc-01", "server", "esx-01", "rack", "A-01"),
			cloudSample("swanwatch:server_hardware_health:max", 2, "instance", "bmc-02", "server", "esx-02", "rack", "A-01"),
			cloudSample("bmc_drive_predicted_failure", 1, "instance", "bmc-02", "kind", "bmc", "server", "esx-02", "rack", "A-01", "drive", "Disk.Bay.3"),
			cloudSample("bmc_drive_predicted_failure", 0, "instance", "bmc-01", "kind", "bmc", "server", "esx-01", "rack", "A-01", "drive", "Disk.Bay.0"),
			cloudSample("ups_on_battery", 1, dev("ups-1")...),
			cloudSample("ups_battery_minutes_remaining", 12, dev("ups-1")...),
			cloudSample("ups_battery_charge_ratio", 0.6, dev("ups-1")...),
			cloudSample("up", 1, dev("pdu-a5a", "rack", "A-05", "feed", "A")...),
			cloudSample("up", 0, dev("pdu-a5b", "rack", "A-05", "feed", "B")...),
			cloudSample("up", 1, dev("pdu-a6a", "rack", "A-06", "feed", "A")...),
			cloudSample("swanwatch:rack_feed_load:ratio", 0.3, "room", "主机房", "rack", "A-05", "feed", "A"),
			cloudSample("swanwatch:rack_feed_load:ratio", 0.2, "room", "主机房", "rack", "A-06", "feed", "A"),
			cloudSample("swanwatch:room_temperature_max:celsius", 28.5, "room", "主机房"),
			cloudSample("swanwatch:room_humidity_max:ratio", 0.45, "room", "主机房"),
			cloudSample("swanwatch:hypervisor_datastore_used:ratio", 0.91, "datastore", "ds-01"),
			cloudSample("swanwatch:hypervisor_datastore_used:ratio", 0.4, "datastore", "ds-02"),
			cloudSample("swanwatch:hypervisor_datastore_days_until_full:days", 6.5, "datastore", "ds-01"),
		}
		require.NoError(t, st.Append(context.Background(), at, round))
	}
}

// backupJobs is a jobs service with a daily backup that failed this
// morning and an exchange job that is not a backup.
func backupJobs(t *testing.T, db *statestore.DB) *jobs.Service {
	t.Helper()
	now := scenicMorning.Add(-24 * time.Hour)
	clock := func() time.Time { return now }
	token := filepath.Join(t.TempDir(), "t")
	require.NoError(t, os.WriteFile(token, []byte("0123456789abcdef0123"), 0o600))
	js, err := jobs.New(jobs.Config{
		{Name: "oa-db-backup", System: "协同办公", Kind: jobs.KindBackup, Schedule: "30 2 * * *", MaxDuration: time.Hour, TokenFile: token},
		{Name: "exchange-sync", System: "数据交换平台", Kind: jobs.KindExchange, Schedule: "0 * * * *", MaxDuration: time.Hour, TokenFile: token},
	}, db, jobs.WithClock(clock))
	require.NoError(t, err)
	now = scenicMorning.Add(-5 * time.Hour) // 03:00
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/jobs/{name}/runs", js.ServePush)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/jobs/oa-db-backup/runs",
		strings.NewReader(`{"status":"failed","started_at":"2026-10-31 02:30:00","finished_at":"2026-10-31 02:55:00","message":"磁盘已满"}`))
	req.Header.Set("Authorization", "Bearer 0123456789abcdef0123")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	now = scenicMorning
	return js
}

func TestCloudAtReadsTheTSDBAndTheJobs(t *testing.T) {
	st, err := storage.Open(storage.Options{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	writeCloud(t, st)
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	q := api.NewQuery(api.QueryOptions{Queryable: st.Queryable()})
	s := New(Options{Incidents: alerting.NewIncidents(db, func() time.Time { return scenicMorning }), Instant: q.Instant,
		Jobs: backupJobs(t, db), Settings: func() Settings { return Settings{HorizonDays: 30} }, Now: func() time.Time { return scenicMorning }})
	c, err := s.cloudAt(context.Background(), scenicMorning)
	require.NoError(t, err)

	slices.SortFunc(c.Hosts, func(a, b report.HostState) int { return strings.Compare(a.Host, b.Host) })
	assert.Equal(t, []report.HostState{{Host: "esx-01", Cluster: "政务云集群A", Up: true}, {Host: "esx-02", Cluster: "政务云集群A"},
		{Host: "esx-03", Cluster: "政务云集群B", Maintenance: true}}, c.Hosts)
	assert.ElementsMatch(t, []report.ServerHealth{{Server: "esx-01", Rack: "A-01"}, {Server: "esx-02", Rack: "A-01", Health: 2}}, c.Servers)
	assert.Equal(t, []report.DriveAlarm{{Server: "esx-02", Rack: "A-01", Drive: "Disk.Bay.3"}}, c.Drives)
	assert.Equal(t, []report.UPSState{{Instance: "ups-1", Room: "主机房", OnBattery: true,
		Minutes: report.Value{V: 12, Kind: report.Number, Known: true}, Charge: report.Value{V: 0.6, Kind: report.Ratio, Known: true}}}, c.UPS)
	slices.SortFunc(c.Racks, func(a, b report.RackPower) int { return strings.Compare(a.Rack, b.Rack) })
	require.Len(t, c.Racks, 2)
	assert.Equal(t, [2]string{report.FeedUp, report.FeedDown}, [2]string{c.Racks[0].A, c.Racks[0].B})
	assert.Equal(t, [2]string{report.FeedUp, report.FeedNone}, [2]string{c.Racks[1].A, c.Racks[1].B})
	assert.InDelta(t, 0.3, c.Racks[0].LoadA.V, 1e-9)
	assert.Equal(t, []report.RoomClimate{{Room: "主机房", TempMax: report.Value{V: 28.5, Kind: report.Number, Known: true},
		HumidMax: report.Value{V: 0.45, Kind: report.Ratio, Known: true}}}, c.Rooms)
	slices.SortFunc(c.Datastores, func(a, b report.DatastoreState) int { return strings.Compare(a.Datastore, b.Datastore) })
	require.Len(t, c.Datastores, 2)
	assert.Equal(t, 6.5, c.Datastores[0].DaysToFull.V)
	assert.False(t, c.Datastores[1].DaysToFull.Known, "not filling: no forecast")
	assert.True(t, c.JobsOn)
	require.Len(t, c.Backups, 1, "the exchange job is no backup")
	b := c.Backups[0]
	assert.Equal(t, "oa-db-backup", b.Job)
	assert.Equal(t, "作业失败", b.StateText)
	assert.Equal(t, "failed", b.LastStatus)
	assert.True(t, b.LastRun.Equal(scenicMorning.Add(-5*time.Hour-30*time.Minute)), b.LastRun)

	// the morning's report and its message
	ins, err := s.buildInspection(context.Background(), scenicMorning)
	require.NoError(t, err)
	assert.Equal(t, 2, len(ins.Cloud.SingleFeed), "A-05's B feed down, A-06 without B")
	assert.Contains(t, inspectionText(ins), "政务云宿主机宕机 1 台，服务器硬件异常 2 项，备份作业异常 1 个，UPS电池供电 1 台，双路供电异常机柜 2 个，"+
		"30 天内写满的数据存储 1 个。")
}

// A morning without any of it: every part says so, and the message leaves
// the cloud out.
func TestCloudAtWithoutSources(t *testing.T) {
	st, err := storage.Open(storage.Options{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	q := api.NewQuery(api.QueryOptions{Queryable: st.Queryable()})
	s := New(Options{Incidents: alerting.NewIncidents(db, func() time.Time { return scenicMorning }), Instant: q.Instant,
		Settings: func() Settings { return Settings{HorizonDays: 30} }, Now: func() time.Time { return scenicMorning }})
	ins, err := s.buildInspection(context.Background(), scenicMorning)
	require.NoError(t, err)
	c := ins.Cloud
	assert.False(t, c.HasHosts || c.HasServers || c.HasRooms || c.JobsOn)
	assert.NotContains(t, inspectionText(ins), "政务云")
}
