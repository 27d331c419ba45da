package sim

import (
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/deepch/vdk/format/rtspv2"
	"github.com/stretchr/testify/require"
)

// startPark runs a small simulator with the park on the real clock.
func startPark(t testing.TB, seed int64) *Sim {
	t.Helper()
	return startSim(t, Options{VMs: 4, Seed: seed, OfflineShare: -1, Park: &ParkOptions{SecretsDir: t.TempDir()}})
}

// parkRows returns the park's inventory rows by name.
func parkRows(t testing.TB, s *Sim) map[string]ExportTarget {
	t.Helper()
	out := map[string]ExportTarget{}
	for _, r := range s.Inventory().Targets {
		if r.System == parkSystem {
			out[r.Name] = r
		}
	}
	return out
}

// readSecret reads a password_file or community_file of a row.
func readSecret(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

// cameraURL is a camera row's RTSP address with its credentials, the only way
// vdk takes them.
func cameraURL(t testing.TB, r ExportTarget) string {
	t.Helper()
	u, err := url.Parse(r.Address)
	require.NoError(t, err)
	u.User = url.UserPassword(r.Params["username"], readSecret(t, r.Params["password_file"]))
	return u.String()
}

// vdkFrames plays u with deepch/vdk's rtspv2 client (the camera collector's)
// for d and counts pictures and keyframes.
func vdkFrames(u string, d time.Duration) (pictures, keyframes int, err error) {
	c, err := rtspv2.Dial(rtspv2.RTSPClientOptions{URL: u, DialTimeout: 3 * time.Second,
		ReadWriteTimeout: 3 * time.Second, DisableAudio: true})
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	end := time.After(d)
	for {
		select {
		case <-end:
			return pictures, keyframes, nil
		case sig := <-c.Signals:
			if sig == rtspv2.SignalStreamRTPStop {
				return pictures, keyframes, nil
			}
		case p := <-c.OutgoingPacketQueue:
			pictures++
			if p.IsKeyFrame {
				keyframes++
			}
		}
	}
}
