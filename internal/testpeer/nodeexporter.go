package testpeer

import (
	"os"
	"path/filepath"
	"testing"
)

// NodeExporterPeer is a running prometheus-node-exporter.
type NodeExporterPeer struct {
	*Peer
	URL         string // the /metrics URL
	TextfileDir string // *.prom files here are exported at every scrape
}

// NodeExporter starts the real node_exporter (apt prometheus-node-exporter) on a
// free loopback port with the collectors a cloud VM's agent exposes, plus the
// textfile collector so a test can add its own families.
func NodeExporter(t testing.TB) *NodeExporterPeer {
	t.Helper()
	// Spec's {{dir}} only exists once Start runs, and the textfile collector wants
	// its directory at start-up, so it lives in a directory of its own.
	textfile := filepath.Join(t.TempDir(), "textfile")
	if err := os.MkdirAll(textfile, 0o755); err != nil {
		t.Fatalf("create textfile dir: %v", err)
	}
	p := Start(t, Spec{
		Name:   "node_exporter",
		Binary: "/usr/bin/prometheus-node-exporter",
		Hint:   "apt-get install prometheus-node-exporter",
		Args: []string{"--web.listen-address=127.0.0.1:{{port}}", "--collector.disable-defaults",
			"--collector.cpu", "--collector.meminfo", "--collector.loadavg", "--collector.netdev",
			"--collector.filesystem", "--collector.diskstats", "--collector.uname", "--collector.time",
			"--collector.textfile", "--collector.textfile.directory=" + textfile},
		ReadyURL: "http://127.0.0.1:{{port}}/metrics",
	})
	return &NodeExporterPeer{Peer: p, URL: p.Base() + "/metrics", TextfileDir: textfile}
}

// WriteTextfile atomically writes name (e.g. "vm.prom") into the textfile
// directory, so that a scrape never sees half a file.
func (p *NodeExporterPeer) WriteTextfile(t testing.TB, name, content string) {
	t.Helper()
	tmp := filepath.Join(p.TextfileDir, "."+name+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatalf("write textfile: %v", err)
	}
	if err := os.Rename(tmp, filepath.Join(p.TextfileDir, name)); err != nil {
		t.Fatalf("install textfile: %v", err)
	}
}
