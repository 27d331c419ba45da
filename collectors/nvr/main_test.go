package nvr

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/nvr/nvrfake"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testPassword is the fakes' password; tests check it never shows.
const testPassword = "Nvr-s3cret-pw!"

// newTestCollector returns a Collector with defaults and the given changes,
// closed when the test ends.
func newTestCollector(t testing.TB, opts []Option, change ...func(*Config)) *Collector {
	t.Helper()
	cfg := Config{}
	for _, f := range change {
		f(&cfg)
	}
	cfg = cfg.WithDefaults()
	require.NoError(t, cfg.Validate())
	c := New(cfg, nil, opts...)
	t.Cleanup(func() { c.Close() })
	return c
}

// startNVR serves a fake recorder of profile with the test password.
func startNVR(t testing.TB, profile nvrfake.Profile, change ...func(*nvrfake.Options)) *nvrfake.Server {
	t.Helper()
	o := nvrfake.Options{Profile: profile, Password: testPassword}
	for _, f := range change {
		f(&o)
	}
	srv, err := nvrfake.Start("", o)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return srv
}

// ids are the channel ids of three cameras in each dialect.
func ids(p nvrfake.Profile) []string {
	if p == nvrfake.Dahua {
		return []string{"1", "2", "3"}
	}
	return []string{"101", "201", "301"}
}

// cameras maps the ids to camera names: "101=cam-01,201=cam-02,…".
func cameras(p nvrfake.Profile) string {
	var parts []string
	for i, id := range ids(p) {
		parts = append(parts, id+"=cam-0"+string(rune('1'+i)))
	}
	return strings.Join(parts, ",")
}

// recordAll gives every channel footage from oldest on, recording now, and
// two healthy disks.
func recordAll(n *nvrfake.NVR, oldest time.Time) {
	for _, id := range ids(n.Profile()) {
		n.SetChannel(id, nvrfake.Channel{Oldest: oldest})
	}
	n.SetDisks(
		nvrfake.Disk{Name: "hdd1", Capacity: 4 << 40, Free: 1 << 40},
		nvrfake.Disk{Name: "hdd2", Capacity: 4 << 40, Free: 2 << 40},
	)
}

// secretFile writes a secret into a 0600 file of the test's temp dir.
func secretFile(t testing.TB, value string) string {
	p := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(p, []byte(value+"\n"), 0o600))
	return p
}

// nvrTarget is a target for srv with its channels and extra params (k, v, …).
func nvrTarget(t testing.TB, name string, srv *nvrfake.Server, kv ...string) collectors.Target {
	p := map[string]string{
		ParamProfile: string(srv.Profile()), ParamUsername: "admin",
		ParamPasswordFile: secretFile(t, testPassword), ParamChannels: cameras(srv.Profile()),
	}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return collectors.Target{Kind: Kind, Name: name, Address: srv.URL,
		Labels: map[string]string{"system": "天鹅湖景区", "site": "北门广场"}, Params: p}
}

// poll runs one round under timeout and returns the closed recorder.
func poll(t testing.TB, c *Collector, tgt collectors.Target, timeout time.Duration) (*collectortest.Recorder, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
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

// ch is the label part of a channel series.
func ch(id, camera string) string { return `{camera="` + camera + `",channel="` + id + `"}` }

// profiles runs f for both dialects.
func profiles(t *testing.T, f func(t *testing.T, p nvrfake.Profile)) {
	for _, p := range []nvrfake.Profile{nvrfake.Hikvision, nvrfake.Dahua} {
		t.Run(string(p), func(t *testing.T) { f(t, p) })
	}
}
