package dashboards_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/agent"
	"github.com/swanwatch/swanwatch/collectors/link"
	"github.com/swanwatch/swanwatch/collectors/snmp"
	"github.com/swanwatch/swanwatch/dashboards"
)

// grafanaDashboard is the part of a Grafana dashboard JSON the checks read.
type grafanaDashboard struct {
	UID        string                  `json:"uid"`
	Title      string                  `json:"title"`
	Inputs     []struct{ Name string } `json:"__inputs"`
	Panels     []grafanaPanel          `json:"panels"`
	Templating struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Definition string          `json:"definition"`
			Datasource *grafanaDSRef   `json:"datasource"`
			Query      json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type grafanaDSRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type grafanaPanel struct {
	ID         int                      `json:"id"`
	Type       string                   `json:"type"`
	Title      string                   `json:"title"`
	Datasource *grafanaDSRef            `json:"datasource"`
	Panels     []grafanaPanel           `json:"panels"` // a collapsed row's panels
	GridPos    struct{ X, Y, W, H int } `json:"gridPos"`
	Targets    []struct {
		RefID      string        `json:"refId"`
		Expr       string        `json:"expr"`
		Datasource *grafanaDSRef `json:"datasource"`
	} `json:"targets"`
}

// The scenes the dashboards mirror, by file.
var wantDashboards = []string{"city.json", "cloud.json", "duty.json", "wan.json"}

const dsInput = "${DS_SWANWATCH}"

func loadGrafana(t *testing.T) map[string]grafanaDashboard {
	t.Helper()
	names, err := fs.Glob(dashboards.Grafana, "grafana/*.json")
	require.NoError(t, err)
	out := map[string]grafanaDashboard{}
	for _, n := range names {
		b, err := fs.ReadFile(dashboards.Grafana, n)
		require.NoError(t, err)
		var d grafanaDashboard
		require.NoError(t, json.Unmarshal(b, &d), n)
		out[filepath.Base(n)] = d
	}
	return out
}

// producedMetrics is every series name SwanWatch writes, from the sources that
// define them; prefixes holds the agent keep-list's `prefix*` patterns.
func producedMetrics(t *testing.T) (exact map[string]bool, prefixes []string) {
	t.Helper()
	exact = map[string]bool{
		// The Runner, for every target of every kind (collectors/names.go).
		collectors.MetricUp: true, collectors.MetricCollectDuration: true, collectors.MetricCollectSamples: true,
		// The rules manager, for every alerting rule (Prometheus's ALERTS series).
		"ALERTS": true,
		// collectors/link: one info series and the contracted bandwidth per link.
		link.MetricInfo: true, link.MetricBandwidth: true,
	}
	for _, m := range recordedByPacks(t) {
		exact[m] = true
	}
	for _, k := range agent.DefaultKeep { // collectors/agent: node_exporter families kept
		if p, ok := strings.CutSuffix(k, "*"); ok {
			prefixes = append(prefixes, p)
		} else {
			exact[k] = true
		}
	}
	profiles, err := snmp.LoadProfiles(nil) // collectors/snmp: the built-in vendor profiles
	require.NoError(t, err)
	for _, p := range profiles {
		for _, m := range p.Metrics {
			exact[m.Name] = true
		}
	}
	for _, m := range append(snmpCoreMetrics, netprobeMetrics...) {
		exact[m] = true
	}
	return exact, prefixes
}

// snmpCoreMetrics are emitted by collectors/snmp code for every device (no
// exported names): iface.go (IF-MIB), state.go (sysUpTime, restarts), lldp.go,
// snmp.go (snmp_errors by stage).
var snmpCoreMetrics = []string{
	"snmp_if_in_octets_total", "snmp_if_out_octets_total", "snmp_if_in_ucast_pkts_total",
	"snmp_if_out_ucast_pkts_total", "snmp_if_in_nucast_pkts_total", "snmp_if_out_nucast_pkts_total",
	"snmp_if_in_errors_total", "snmp_if_out_errors_total", "snmp_if_in_discards_total",
	"snmp_if_out_discards_total", "snmp_if_oper_status", "snmp_if_admin_status",
	"snmp_if_speed_bits_per_second", "snmp_sys_uptime_seconds", "snmp_device_restarts_total",
	"snmp_lldp_neighbor_info", "snmp_errors",
}

// netprobeMetrics are emitted by collectors/netprobe (probes.go, stats.go,
// http.go; no exported names).
var netprobeMetrics = []string{
	"probe_success", "probe_duration_seconds", "probe_timeout", "probe_packets_sent",
	"probe_packets_received", "probe_loss_ratio", "probe_rtt_min_seconds", "probe_rtt_avg_seconds",
	"probe_rtt_max_seconds", "probe_jitter_seconds", "probe_http_status_code",
	"probe_http_content_match", "probe_tls_cert_days_left",
}

// recordedByPacks lists the `record:` names of the shipped rule packs.
func recordedByPacks(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../rules/packs/*.yml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		var packs struct {
			Groups []struct {
				Rules []struct{ Record string } `yaml:"rules"`
			} `yaml:"groups"`
		}
		require.NoError(t, yaml.Unmarshal(b, &packs), f)
		for _, g := range packs.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					out = append(out, r.Record)
				}
			}
		}
	}
	return out
}
