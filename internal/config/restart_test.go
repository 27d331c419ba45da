package config

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// A reload keeps the start-only sections running as they are, names the
// ones that changed (a secret alone included) and applies the rest.
func TestWithRunningKeepsStartOnlySections(t *testing.T) {
	running := Default()
	running.Storage.RemoteWrite = []RemoteWrite{{URL: "https://vm.example:8428/api/v1/write", Password: "old"}}
	cur := *running
	cur.Server.Listen = "127.0.0.1:9999"
	cur.Storage.RemoteWrite = []RemoteWrite{{URL: "https://vm.example:8428/api/v1/write", Password: "new"}}
	cur.SLA.Calendars = nil
	cur.SLA.SLIs = []sla.SLI{{Name: "link_latency", Good: "<= 0.080"}}

	next, changed := cur.WithRunning(running)
	assert.ElementsMatch(t, []string{"server", "storage"}, changed)
	assert.Equal(t, running.Server, next.Server, "server is read at start only")
	assert.Equal(t, running.Storage, next.Storage)
	assert.Equal(t, cur.SLA, next.SLA, "the rest applies")

	_, changed = running.WithRunning(running)
	assert.Empty(t, changed)
}
