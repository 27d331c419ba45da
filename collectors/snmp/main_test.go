package snmp

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newTestCollector returns a Collector with defaults and the given changes.
func newTestCollector(t testing.TB, change ...func(*Config)) *Collector {
	cfg := Config{}
	for _, f := range change {
		f(&cfg)
	}
	cfg = cfg.WithDefaults()
	require.NoError(t, cfg.Validate())
	c, err := New(cfg, nil)
	require.NoError(t, err)
	return c
}

// secretFile writes a secret into a 0600 file of the test's temp dir.
func secretFile(t testing.TB, name, value string) string {
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(value+"\n"), 0o600))
	return p
}

// v2Target is a v2c target on addr with the community in a file.
func v2Target(t testing.TB, name, addr string) collectors.Target {
	return collectors.Target{Kind: Kind, Name: name, Address: addr,
		Labels: map[string]string{"district": "湖滨区", "level": "city"},
		Params: map[string]string{"version": "2c", "community_file": secretFile(t, "community", testpeer.SNMPDCommunity)}}
}

// v3Target is an authPriv SHA/AES target with the given pass phrases.
func v3Target(t testing.TB, addr, auth, priv string) collectors.Target {
	return collectors.Target{Kind: Kind, Name: "core-sw-v3", Address: addr, Params: map[string]string{
		"version": "3", "user": testpeer.SNMPDV3User, "security_level": "authPriv",
		"auth_proto": "SHA", "auth_pass_file": secretFile(t, "auth", auth),
		"priv_proto": "AES", "priv_pass_file": secretFile(t, "priv", priv)}}
}

// poll runs one round and returns the closed recorder and the error.
func poll(t testing.TB, c *Collector, tgt collectors.Target) (*collectortest.Recorder, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rec := collectortest.NewRecorder(tgt)
	err := c.Collect(ctx, tgt, rec.Emit)
	rec.Close()
	return rec, err
}

// value returns one series' value, failing the test when it is missing.
func value(t testing.TB, rec *collectortest.Recorder, key string) float64 {
	t.Helper()
	v, ok := rec.Value(key)
	require.True(t, ok, "series %s missing; have %v", key, rec.Series())
	return v
}
