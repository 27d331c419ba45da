package nvr

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/nvr/nvrfake"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func TestWrongPassword(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
		c := newTestCollector(t, nil)
		tgt := nvrTarget(t, "nvr", srv)
		const wrong = "Wr0ng-pass-xyz"
		require.NoError(t, os.WriteFile(tgt.Params[ParamPasswordFile], []byte(wrong), 0o600))
		auth := mAuthFailures.Get()
		rec, err := poll(t, c, tgt, 10*time.Second)
		require.Error(t, err)
		t.Logf("error: %v", err)
		assert.ErrorIs(t, err, ErrAuth)
		assert.True(t, strings.HasPrefix(err.Error(), "认证失败"), err.Error())
		assert.NotContains(t, err.Error(), wrong)
		assert.NotContains(t, err.Error(), testPassword)
		assert.Empty(t, rec.Series())
		assert.Equal(t, auth+1, mAuthFailures.Get())
		refused := srv.Stats().Unauthorized

		// Held back: no second login attempt within auth_backoff, so the
		// recorder does not lock the account.
		_, err = poll(t, c, tgt, 10*time.Second)
		assert.ErrorIs(t, err, ErrAuth)
		assert.Contains(t, err.Error(), "不再登录")
		assert.Equal(t, refused, srv.Stats().Unauthorized, "no request while held back")

		// A corrected password file is tried at once.
		require.NoError(t, os.WriteFile(tgt.Params[ParamPasswordFile], []byte(testPassword), 0o600))
		rec, err = poll(t, c, tgt, 10*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch(ids(p)[0], "cam-01")))
	})
}

func TestGarbage(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
		c := newTestCollector(t, nil)
		tgt := nvrTarget(t, "nvr", srv)

		srv.SetFaults(nvrfake.Faults{Garbage: true})
		bad := mBadReplies.Get()
		_, err := poll(t, c, tgt, 10*time.Second)
		require.Error(t, err)
		t.Logf("all garbage: %v", err)
		assert.ErrorIs(t, err, ErrFormat)
		assert.True(t, strings.HasPrefix(err.Error(), "录像机返回格式错误"), err.Error())
		assert.Greater(t, mBadReplies.Get(), bad, "counted")

		// Garbage from the search only: disks still come, the search stage
		// says it failed, and no channel series pretends to know.
		srv.SetFaults(nvrfake.Faults{Garbage: true, GarbageOn: []nvrfake.Endpoint{nvrfake.EndpointSearch}})
		rec, err := poll(t, c, tgt, 10*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 1.0, value(t, rec, `nvr_errors{stage="search"}`))
		assert.Equal(t, 0.0, value(t, rec, `nvr_errors{stage="storage"}`))
		assert.Equal(t, 1.0, value(t, rec, `nvr_disk_ok{disk="hdd1"}`))
		_, ok := rec.Value("nvr_channel_recording" + ch(ids(p)[0], "cam-01"))
		assert.False(t, ok, "an unreadable search is no proof either way")
	})
}

func TestDeviceErrorStatus(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
		srv.SetFaults(nvrfake.Faults{Status: 503})
		c := newTestCollector(t, nil)
		_, err := poll(t, c, nvrTarget(t, "nvr", srv), 10*time.Second)
		require.Error(t, err)
		t.Logf("503: %v", err)
		assert.ErrorIs(t, err, ErrDevice)
		assert.True(t, strings.HasPrefix(err.Error(), "录像机返回错误"), err.Error())
	})
}

// A recorder slow to answer (100 ms a reply) still finishes its round well
// inside the round timeout.
func TestSlowRecorderUnderRoundTimeout(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
		srv.SetFaults(nvrfake.Faults{Delay: 100 * time.Millisecond})
		c := newTestCollector(t, nil)
		rec, err := poll(t, c, nvrTarget(t, "nvr", srv), 20*time.Second)
		require.NoError(t, err)
		for i, id := range ids(p) {
			assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch(id, "cam-0"+string(rune('1'+i)))))
		}
	})
}

// A recorder too slow for its round: the searches that fit are kept, the
// rest are left out and the search stage says so, and the round returns
// before its deadline with what it found.
func TestTooSlowRecorderKeepsWhatFits(t *testing.T) {
	srv := startNVR(t, nvrfake.Hikvision)
	var specs []string
	for i := 1; i <= 16; i++ {
		id := strconv.Itoa(i*100 + 1)
		srv.SetChannel(id, nvrfake.Channel{Oldest: time.Now().Add(-time.Hour)})
		specs = append(specs, id)
	}
	srv.SetDisks(nvrfake.Disk{Name: "hdd1", Capacity: 1 << 40, Free: 1 << 39})
	srv.SetFaults(nvrfake.Faults{Delay: 250 * time.Millisecond})
	c := newTestCollector(t, nil, func(c *Config) { c.ChannelParallelism = 1 })
	tgt := nvrTarget(t, "nvr", srv, ParamChannels, strings.Join(specs, ","))
	start := time.Now()
	rec, err := poll(t, c, tgt, 2*time.Second)
	took := time.Since(start)
	require.NoError(t, err, "what fitted is kept")
	assert.Less(t, took, 2*time.Second, "returned before the deadline")
	assert.Equal(t, 1.0, value(t, rec, `nvr_errors{stage="search"}`))
	assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+`{channel="101"}`), "the first channels made it")
	_, ok := rec.Value("nvr_channel_recording" + `{channel="1601"}`)
	assert.False(t, ok, "the last did not")
}

// One recorder that hangs costs its own round only.
func TestHangingRecorderDoesNotStallOthers(t *testing.T) {
	good, hung := startNVR(t, nvrfake.Hikvision), startNVR(t, nvrfake.Dahua)
	recordAll(good.NVR, time.Now().Add(-24*time.Hour))
	recordAll(hung.NVR, time.Now().Add(-24*time.Hour))
	hung.SetFaults(nvrfake.Faults{Hang: true})
	c := newTestCollector(t, nil)
	var wg sync.WaitGroup
	var hungErr error
	var hungTook time.Duration
	wg.Go(func() {
		start := time.Now()
		_, hungErr = poll(t, c, nvrTarget(t, "nvr-hung", hung), 3*time.Second)
		hungTook = time.Since(start)
	})
	time.Sleep(100 * time.Millisecond) // the hung round is under way
	start := time.Now()
	rec, err := poll(t, c, nvrTarget(t, "nvr-good", good), 10*time.Second)
	goodTook := time.Since(start)
	wg.Wait()
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch("101", "cam-01")))
	assert.Less(t, goodTook, time.Second, "the good recorder did not wait for the hung one")
	require.Error(t, hungErr)
	assert.ErrorIs(t, hungErr, ErrTimeout)
	assert.True(t, strings.HasPrefix(hungErr.Error(), "连接超时"), hungErr.Error())
	assert.Less(t, hungTook, 3*time.Second)
}

func TestUnreachable(t *testing.T) {
	// The recorder's address refuses for the whole test (a bound socket that
	// never listens): a closed port could be taken meanwhile by another
	// package's server, which then answers (CI saw "connection reset", twice).
	srv, err := nvrfake.Start("127.0.0.1:0", nvrfake.Options{Profile: nvrfake.Hikvision, Password: testPassword})
	require.NoError(t, err)
	tgt := nvrTarget(t, "nvr", srv)
	require.NoError(t, srv.Close())
	tgt.Address = "http://" + testpeer.RefusingAddr(t)
	c := newTestCollector(t, nil)
	_, err = poll(t, c, tgt, 5*time.Second)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrRefused)
	assert.True(t, strings.HasPrefix(err.Error(), "连接被拒绝"), err.Error())
}

// Motion-style recording: files of 2 s give about 150 matches in the recent
// window, which the recorders hand out in pages (Hikvision 40, Dahua 100).
func TestPagingManyMatches(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-2*time.Hour))
		srv.SetChannel(ids(p)[0], nvrfake.Channel{Oldest: time.Now().Add(-2 * time.Hour), Segment: 2 * time.Second,
			Gaps: []nvrfake.Span{{Start: time.Now().Add(-3 * time.Minute), End: time.Now().Add(-150 * time.Second)}}})
		c := newTestCollector(t, nil)
		tgt := nvrTarget(t, "nvr", srv, ParamChannels, ids(p)[0]+"=cam-01")
		// Retention just probed: this round runs the recent search alone.
		c.state(tgt.Key(), time.Now()).channels[ids(p)[0]] = &channelState{oldestAt: time.Now()}
		before := srv.Stats().SearchPages
		rec, err := poll(t, c, tgt, 10*time.Second)
		require.NoError(t, err)
		pages := srv.Stats().SearchPages - before
		// 135 files: 40+40+40+15 on Hikvision, 100+35 on Dahua.
		want := map[nvrfake.Profile]int{nvrfake.Hikvision: 4, nvrfake.Dahua: 2}[p]
		assert.Equal(t, want, pages, "the recent search paged to the end")
		assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch(ids(p)[0], "cam-01")))
		assert.Less(t, value(t, rec, "nvr_channel_footage_age_seconds"+ch(ids(p)[0], "cam-01")), 5.0,
			"the newest file is on the last page")
	})
}

func TestDahuaFindersReleased(t *testing.T) {
	srv := startNVR(t, nvrfake.Dahua, func(o *nvrfake.Options) { o.MaxFinders = 2 })
	recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
	c := newTestCollector(t, nil)
	tgt := nvrTarget(t, "nvr", srv)
	for range 5 { // with 2 finders at most, a leak would fail the third round
		rec, err := poll(t, c, tgt, 10*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 0.0, value(t, rec, `nvr_errors{stage="search"}`))
	}
	require.NoError(t, c.Close())
	assert.Zero(t, srv.Stats().OpenFinders)

	// A round cut short destroys its finder after the round.
	srv.SetFaults(nvrfake.Faults{Delay: 300 * time.Millisecond})
	_, _ = poll(t, c, tgt, 1500*time.Millisecond)
	srv.SetFaults(nvrfake.Faults{})
	require.NoError(t, c.Close())
	assert.Zero(t, srv.Stats().OpenFinders)
}

// The round's error and every series are free of the password, whatever
// fails.
func TestSecretsNeverShow(t *testing.T) {
	srv := startNVR(t, nvrfake.Hikvision)
	recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
	c := newTestCollector(t, nil)
	tgt := nvrTarget(t, "nvr", srv)
	for _, f := range []nvrfake.Faults{{}, {Garbage: true}, {Status: 500}} {
		srv.SetFaults(f)
		rec, err := poll(t, c, tgt, 5*time.Second)
		for _, s := range append(rec.Series(), errString(err)) {
			assert.NotContains(t, s, testPassword)
		}
	}
	var rec *collectortest.Recorder
	tgt.Address = strings.Replace(srv.URL, "http://", "http://admin:"+testPassword+"@", 1)
	rec, err := poll(t, c, tgt, 5*time.Second)
	require.ErrorIs(t, err, ErrAddress)
	assert.NotContains(t, err.Error(), testPassword, "a password in the address is refused unseen")
	assert.Empty(t, rec.Series())
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
