package testpeer

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// AlertmanagerBinary is where Debian's prometheus-alertmanager package (0.25)
// installs the server.
const AlertmanagerBinary = "/usr/bin/prometheus-alertmanager"

// AlertmanagerPeer is a running Alertmanager and its base URL.
type AlertmanagerPeer struct {
	*Peer
	URL string // http://127.0.0.1:PORT
}

// Alertmanager starts the real Alertmanager on a free loopback port with gossip
// off (an empty --cluster.listen-address, else it binds 0.0.0.0:9094) and one
// route to a webhook receiver at webhookURL, resolved alerts included. Timings
// are short so tests see a notification within about a second: group_wait 1s,
// group_interval 2s, repeat_interval 1m.
func Alertmanager(t testing.TB, webhookURL string) *AlertmanagerPeer {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "alertmanager.yml")
	body := fmt.Sprintf(`route:
  receiver: hook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1m
receivers:
- name: hook
  webhook_configs:
  - url: %q
    send_resolved: true
`, webhookURL)
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatalf("write alertmanager config: %v", err)
	}
	p := Start(t, Spec{
		Name:   "alertmanager",
		Binary: AlertmanagerBinary,
		Hint:   "apt-get install prometheus-alertmanager",
		Args: []string{
			"--config.file=" + conf,
			"--storage.path={{dir}}/data",
			"--web.listen-address=127.0.0.1:{{port}}",
			"--cluster.listen-address=",
		},
		ReadyURL: "http://127.0.0.1:{{port}}/-/ready",
		Wait:     30 * time.Second,
	})
	return &AlertmanagerPeer{Peer: p, URL: p.Base()}
}
