package testpeer

import (
	"testing"
	"time"
)

// VictoriaLogsVersion is the release the tests were written against.
const VictoriaLogsVersion = "v1.52.1"

// VictoriaLogsPeer is a running VictoriaLogs: SwanWatch's stand-in for Grafana Loki
// (Loki is not installable on the CI machines; VictoriaLogs accepts the Loki push
// protocol). URL is its base URL, e.g. http://127.0.0.1:41234.
type VictoriaLogsPeer struct {
	*Peer
	URL string
}

// LokiPushURL is the Loki-compatible push endpoint (protobuf+snappy or JSON).
func (v *VictoriaLogsPeer) LokiPushURL() string { return v.URL + "/insert/loki/api/v1/push" }

// QueryURL is the LogsQL query endpoint; it answers JSON lines
// {"_msg":..,"_stream":..,"_time":..,<labels>}.
func (v *VictoriaLogsPeer) QueryURL() string { return v.URL + "/select/logsql/query" }

// VictoriaLogs starts VictoriaLogs on a free loopback port with its data in the
// peer's scratch directory, with the flags of the workspace's victoria-logs.sh.
// The binary comes from `go install
// github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@v1.52.1` (.ci/run does it).
func VictoriaLogs(t testing.TB) *VictoriaLogsPeer {
	t.Helper()
	p := Start(t, Spec{
		Name:   "victoria-logs",
		Binary: "victoria-logs",
		Hint:   "go install github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@" + VictoriaLogsVersion,
		Args: []string{
			"-httpListenAddr=127.0.0.1:{{port}}",
			"-storageDataPath={{dir}}/data",
			"-retentionPeriod=7d",
		},
		ReadyURL: "http://127.0.0.1:{{port}}/health",
		Wait:     30 * time.Second,
	})
	return &VictoriaLogsPeer{Peer: p, URL: p.Base()}
}
