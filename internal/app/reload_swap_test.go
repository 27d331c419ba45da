package app

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/config"
)

// A reload replaces the running configuration in one step: a reader sees
// the old snapshot or the new one, never half of each, and the sections
// read only at start keep their running values in the new snapshot.
func TestReloadSwapsOneSnapshot(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sw.yaml")
	write := func(listen, interval string) *config.Config {
		body := "server: {listen: \"" + listen + "\"}\nstorage: {path: " + dir + "/data}\n" +
			"rules: {evaluation_interval: " + interval + "}\n" +
			"inventory: {targets: [{name: vm-" + interval + ", kind: agent, address: \"http://127.0.0.1:1/metrics\"}]}\n"
		require.NoError(t, os.WriteFile(file, []byte(body), 0o600))
		cfg, err := config.Load(file)
		require.NoError(t, err)
		return cfg
	}
	s := &system{opts: Options{ConfigFile: file}, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.cfg.Store(write("127.0.0.1:9330", "30s"))
	require.NoError(t, s.open())
	defer s.close()

	var wg sync.WaitGroup
	stop := make(chan struct{})
	torn := 0
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			c := s.config()
			if (c.Rules.EvaluationInterval == 5*time.Second) != (c.Inventory.Targets[0].Name == "vm-5s") {
				torn++
			}
		}
	})
	next := write("127.0.0.1:9999", "5s")
	require.NoError(t, s.swapConfig(next))
	time.Sleep(10 * time.Millisecond)
	close(stop)
	wg.Wait()

	got := s.config()
	assert.Zero(t, torn, "a reader saw half a reload")
	assert.Equal(t, 5*time.Second, got.Rules.EvaluationInterval)
	assert.Equal(t, "vm-5s", got.Inventory.Targets[0].Name)
	assert.Equal(t, "127.0.0.1:9330", got.Server.Listen, "server.listen needs a restart: the snapshot says what runs")
	assert.NotSame(t, next, got, "the loaded value is copied, not shared")
}
