package sim

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/icholy/digest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

func TestParkLayout(t *testing.T) {
	cams := layoutCameras(7)
	require.Len(t, cams, 24)
	names, sites, faults, stalls := map[string]bool{}, map[string]int{}, map[string]bool{}, 0
	for _, c := range cams {
		assert.False(t, names[c.Name], "duplicate %s", c.Name)
		names[c.Name] = true
		sites[c.Site]++
		if c.FaultClip != "" {
			faults[c.FaultClip] = true
			assert.True(t, strings.HasPrefix(c.FaultClip, c.Scene+"-day-"+c.View[len(c.View)-1:]), "%s: fault clip %s is not of its view %s", c.Name, c.FaultClip, c.View)
		}
		if c.Stalls {
			stalls++
			assert.Empty(t, c.FaultClip, "the stalling camera has a clean picture")
		}
	}
	assert.Len(t, sites, len(parkSites))
	assert.Len(t, faults, len(parkFaultClips), "each fault clip on one camera")
	assert.Equal(t, 1, stalls)
	demo := cams[demoIndex(cams)]
	assert.Equal(t, demoSite, demo.Site)
	assert.Equal(t, demoView, demo.View)
	assert.Empty(t, demo.FaultClip)
	assert.False(t, demo.Stalls)

	again := layoutCameras(7)
	other := layoutCameras(8)
	same, diff := true, false
	for i := range cams {
		same = same && *cams[i] == *again[i]
		diff = diff || cams[i].View != other[i].View || cams[i].Password != other[i].Password
	}
	assert.True(t, same, "same seed, same park")
	assert.True(t, diff, "another seed, another park")
}

func TestParkInventory(t *testing.T) {
	s := startPark(t, 3)
	rows := parkRows(t, s)
	kinds := map[string]int{}
	for name, r := range rows {
		kinds[r.Kind]++
		assert.Equal(t, parkDistrict, r.District, name)
		assert.NotEmpty(t, r.Site, name)
		if !strings.HasPrefix(name, swCore) {
			assert.NotEmpty(t, r.Parent, name)
			assert.Contains(t, rows, r.Parent, "%s: parent %s is no park target", name, r.Parent)
		}
		assert.NotContains(t, r.Address, "@", "%s: credentials in the address", name)
		for k, v := range r.Params {
			if strings.HasSuffix(k, "_file") {
				secret := readSecret(t, v)
				assert.NotEmpty(t, secret, "%s %s", name, k)
				if k == "password_file" {
					assert.NotContains(t, r.Address, secret)
					for k2, v2 := range r.Params {
						assert.NotContains(t, v2, secret, "%s: the password is in param %s", name, k2)
					}
				}
			}
		}
	}
	assert.Equal(t, 24, kinds["camera"])
	assert.Equal(t, 2, kinds["nvr"])
	assert.Equal(t, 3, kinds["snmp"])
	cam := rows[s.DemoCamera()]
	assert.True(t, strings.HasPrefix(cam.Address, "rtsp://127.0.0.1:"), cam.Address)
	assert.Equal(t, "digest", cam.Params["snapshot_auth"])
	assert.True(t, strings.HasPrefix(cam.Params["snapshot_url"], "http://"+s.Addr()+"/park/cam/"))
	nvr := rows["nvr-visitor-1"]
	assert.Equal(t, "hikvision-isapi", nvr.Params["profile"])
	assert.Equal(t, 12, strings.Count(nvr.Params["channels"], "=")) // 101=cam-…,201=…
	assert.Equal(t, "dahua-cgi", rows["nvr-visitor-2"].Params["profile"])
}

func TestParkCamerasStream(t *testing.T) {
	s := startPark(t, 4) // a seed with older cameras on basic auth
	rows := parkRows(t, s)
	var basic, digestCam string
	for _, c := range s.park.cams {
		if c.Auth == "basic" && basic == "" {
			basic = c.Name
		}
		if c.Auth == "digest" && digestCam == "" && !c.Stalls {
			digestCam = c.Name
		}
	}
	require.NotEmpty(t, basic)
	for _, name := range []string{digestCam, basic, s.DemoCamera()} {
		pics, keys, err := vdkFrames(cameraURL(t, rows[name]), 2*time.Second)
		require.NoError(t, err, name)
		assert.True(t, pics >= 25 && keys >= 1, "%s: %d pictures, %d keyframes in 2 s", name, pics, keys)
		_, _, err = vdkFrames(rows[name].Address, 500*time.Millisecond)
		assert.ErrorContains(t, err, "401", "%s without credentials", name)
	}
}

// snapshot fetches a camera row's snapshot with HTTP digest (icholy/digest,
// the collectors' client).
func snapshot(t testing.TB, r ExportTarget, user, pass string) (int, []byte) {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Timeout: 5 * time.Second, Transport: &digest.Transport{Username: user, Password: pass, Transport: tr}}
	resp, err := c.Get(r.Params["snapshot_url"])
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, b
}

func TestParkSnapshots(t *testing.T) {
	s := startPark(t, 3)
	r := parkRows(t, s)[s.DemoCamera()]
	pass := readSecret(t, r.Params["password_file"])
	code, _ := snapshot(t, r, "admin", "wrong")
	assert.Equal(t, http.StatusUnauthorized, code)
	resp, err := http.Get(r.Params["snapshot_url"])
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("WWW-Authenticate"), `qop="auth"`)

	// One picture per second of the clip: four snapshots a second apart are
	// at least two different pictures (the clip may loop between two).
	seen := map[string]bool{}
	for i := range 4 {
		if i > 0 {
			time.Sleep(1050 * time.Millisecond)
		}
		code, b := snapshot(t, r, "admin", pass)
		require.Equal(t, http.StatusOK, code)
		img, err := jpeg.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		assert.Equal(t, 320, img.Bounds().Dx())
		seen[string(b)] = true
	}
	assert.GreaterOrEqual(t, len(seen), 3, "snapshots do not move")
}

func TestParkKnockCamera(t *testing.T) {
	s := startPark(t, 5)
	name := s.DemoCamera()
	r := parkRows(t, s)[name]
	pass := readSecret(t, r.Params["password_file"])
	before := append(append([][]byte(nil), s.park.clips["lake-day-1"].jpegs...), s.park.clips["lake-night-1"].jpegs...)
	_, b := snapshot(t, r, "admin", pass)
	assert.True(t, samePicture(t, b, before), "the demo camera shows its lake view before the knock")

	require.NoError(t, s.KnockCamera(name))
	time.Sleep(1100 * time.Millisecond) // the switch waits for the moved clip's next keyframe
	_, b = snapshot(t, r, "admin", pass)
	assert.False(t, samePicture(t, b, before), "the snapshot after the knock is still the old view")
	st := s.ParkState()
	for _, c := range st.Cameras {
		if c.Name == name {
			assert.Equal(t, "knocked", c.Forced)
			assert.Contains(t, []string{"lake-day-1-moved", "lake-night-1-moved"}, c.Clip, "the moved view, by day or by night")
		}
	}
	pics, _, err := vdkFrames(cameraURL(t, r), 2*time.Second)
	require.NoError(t, err)
	assert.Greater(t, pics, 20, "the knocked camera still streams")

	require.NoError(t, s.FixCamera(name))
	time.Sleep(1100 * time.Millisecond)
	_, b = snapshot(t, r, "admin", pass)
	assert.True(t, samePicture(t, b, before), "fixed: back to its view")
	assert.Error(t, s.KnockCamera(s.park.cams[0].Name), "a camera without a moved view cannot be knocked")
}

func TestParkStallAndOffline(t *testing.T) {
	s := startPark(t, 5)
	var cam *parkCam
	for _, c := range s.park.cams {
		if !c.Stalls && c.FaultClip == "" && c != s.park.demo {
			cam = c
			break
		}
	}
	r := parkRows(t, s)[cam.Name]
	require.NoError(t, s.StallCamera(cam.Name))
	pics, _, err := vdkFrames(cameraURL(t, r), time.Second)
	require.NoError(t, err, "a stalled camera still answers RTSP")
	assert.Zero(t, pics, "a stalled camera sends no pictures")
	ch, _ := s.park.nvrs[cam.NVR].fake.Channel(cam.Channel)
	assert.False(t, ch.Stopped.IsZero(), "a stalled camera is not recorded")

	c := client(t, 5*time.Second)
	resp, err := c.Post("http://"+s.Addr()+"/control/park/camera/"+cam.Name+"/offline", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, _, err = vdkFrames(cameraURL(t, r), 500*time.Millisecond)
	assert.Error(t, err, "an offline camera does not answer")
	_, err = c.Get(r.Params["snapshot_url"])
	assert.Error(t, err, "an offline camera's snapshot endpoint does not answer")

	require.NoError(t, s.FixCamera(cam.Name))
	pics, _, err = vdkFrames(cameraURL(t, r), 2*time.Second)
	require.NoError(t, err)
	assert.Greater(t, pics, 20)
	ch, _ = s.park.nvrs[cam.NVR].fake.Channel(cam.Channel)
	assert.True(t, ch.Stopped.IsZero(), "recording again")
	assert.NotEmpty(t, ch.Gaps, "the stall is a gap in the footage")

	code, body := get(t, c, "http://"+s.Addr()+"/control/park")
	require.Equal(t, http.StatusOK, code)
	var st ParkState
	require.NoError(t, json.Unmarshal(body, &st))
	assert.Len(t, st.Cameras, 24)
	for _, bad := range []string{"/control/park/camera/" + cam.Name + "/explode", "/control/park/camera/NOPE/fix",
		"/control/park/gate/x/knock", "/control/park/camera/a/b/c"} {
		resp, err := c.Post("http://"+s.Addr()+bad, "", nil)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, bad)
	}
	resp, err = c.Post("http://"+s.Addr()+"/control/park/camera/cam-nope-01/fix", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// Many collectors at once: every camera answers its own session.
func TestParkAllCamerasAtOnce(t *testing.T) {
	s := startPark(t, 9)
	rows := parkRows(t, s)
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[string]int{}
	for _, c := range s.park.cams {
		if c.Stalls {
			continue // may be in its stall window
		}
		u := cameraURL(t, rows[c.Name])
		wg.Go(func() {
			_, keys, err := vdkFrames(u, 1500*time.Millisecond)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				keys = -1
			}
			got[c.Name] = keys
		})
	}
	wg.Wait()
	for name, keys := range got {
		assert.GreaterOrEqual(t, keys, 1, "%s: no keyframe (-1: error)", name)
	}
}

// samePicture reports whether a snapshot shows one of the clip's pictures,
// below the clock the camera writes at its top.
func samePicture(t *testing.T, snap []byte, pictures [][]byte) bool {
	t.Helper()
	a, err := jpeg.Decode(bytes.NewReader(snap))
	require.NoError(t, err)
	for _, p := range pictures {
		b, err := jpeg.Decode(bytes.NewReader(p))
		require.NoError(t, err)
		if meanGreyDiff(a, b, 20) < 8 { // re-encoded with the clock: about 3 for the same picture
			return true
		}
	}
	return false
}

// meanGreyDiff is the mean absolute grey difference of two pictures of the
// same size, rows from top on.
func meanGreyDiff(a, b image.Image, top int) float64 {
	r := a.Bounds()
	var sum float64
	n := 0
	for y := r.Min.Y + top; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ga := color.GrayModel.Convert(a.At(x, y)).(color.Gray).Y
			gb := color.GrayModel.Convert(b.At(x, y)).(color.Gray).Y
			sum += math.Abs(float64(ga) - float64(gb))
			n++
		}
	}
	return sum / float64(n)
}

// The camera's clock makes two snapshots of the same picture differ, as a
// real camera's do, while the picture below it stays what the clip shows.
func TestSnapshotClock(t *testing.T) {
	clips, err := loadParkClips()
	require.NoError(t, err)
	pic := clips["lake-night-1"].jpegs[0]
	at := time.Date(2026, 12, 7, 20, 33, 5, 0, cst.Location)
	a, err := withClock(pic, at)
	require.NoError(t, err)
	b, err := withClock(pic, at.Add(time.Minute))
	require.NoError(t, err)
	again, err := withClock(pic, at)
	require.NoError(t, err)
	assert.NotEqual(t, a, b, "a minute later, other bytes")
	assert.Equal(t, a, again, "a stopped clock (a frozen encoder) repeats the same bytes")
	assert.True(t, samePicture(t, b, [][]byte{pic}))
	ia, err := jpeg.Decode(bytes.NewReader(a))
	require.NoError(t, err)
	ib, err := jpeg.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Greater(t, meanGreyDiff(ia, ib, 20), 0.8,
		"below the clock too, the sensor's noise makes a live picture differ a loop later (the freeze check's line is 0.5)")
	assert.True(t, frozenClip("plaza-day-2-frozen") && !frozenClip("plaza-day-2"))
}
