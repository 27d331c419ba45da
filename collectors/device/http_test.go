package device

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/devicefake"
)

const gatePass = "Gate#2024-pass"

// clock is a settable time for the collector.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ns.Store(t.UnixNano())
	return c
}
func (c *clock) now() time.Time           { return time.Unix(0, c.ns.Load()) }
func (c *clock) add(d time.Duration)      { c.ns.Add(int64(d)) }
func withClock(c *clock) func(*Collector) { return func(col *Collector) { col.now = c.now } }

func newHikGate(t *testing.T, a devicefake.Auth) *devicefake.HikvisionGate {
	t.Helper()
	g, err := devicefake.NewHikvisionGate("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { g.Close() })
	g.SetAuth(a)
	return g
}

func gateTarget(t *testing.T, url, pass string) collectors.Target {
	return target("gate-n1", "hikvision-turnstile", url, "gate", "北门1号", "username", "admin",
		"password_file", secretFile(t, "gate-pass", pass))
}

// TestHikvisionTurnstile: status and the day's passages over digest auth,
// and a daily counter that stays monotonic across midnight.
func TestHikvisionTurnstile(t *testing.T) {
	g := newHikGate(t, devicefake.Auth{Scheme: "digest", User: "admin", Password: gatePass})
	clk := newClock(time.Date(2026, 5, 1, 15, 0, 0, 0, time.Local))
	c := newTestCollector(t)
	withClock(clk)(c)
	tgt := gateTarget(t, g.URL(), gatePass)
	g.Pass("in", 5)
	g.Pass("out", 3)
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `gate_ok{gate="北门1号"}`))
	assert.Equal(t, 0.0, value(t, rec, `gate_fault_code{gate="北门1号"}`))
	assert.Equal(t, 5.0, value(t, rec, `gate_passages_total{direction="in",gate="北门1号"}`))
	assert.Equal(t, 3.0, value(t, rec, `gate_passages_total{direction="out",gate="北门1号"}`))

	g.SetLockStatus(3)
	g.SetReaderOnline(false)
	g.Pass("in", 2)
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `gate_ok{gate="北门1号"}`))
	assert.Equal(t, 3.0, value(t, rec, `gate_fault_code{gate="北门1号"}`), "broken lock circuit")
	assert.Equal(t, 7.0, value(t, rec, `gate_passages_total{direction="in",gate="北门1号"}`))

	// Midnight: the device counts from zero again, and by the first poll of
	// the new day 9 visitors came in — more than yesterday's last value of
	// out (3) would let a plain "went back" test see.
	clk.add(10 * time.Hour)
	g.NewDay()
	g.Pass("in", 9)
	g.Pass("out", 4)
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 16.0, value(t, rec, `gate_passages_total{direction="in",gate="北门1号"}`))
	assert.Equal(t, 7.0, value(t, rec, `gate_passages_total{direction="out",gate="北门1号"}`))
}

// TestDigestNonceWornOut: a firmware that refuses the third use of a nonce
// without a new challenge costs one retried request, not a failed round.
func TestDigestNonceWornOut(t *testing.T) {
	g := newHikGate(t, devicefake.Auth{Scheme: "digest", User: "admin", Password: gatePass, NonceUses: 2})
	c := newTestCollector(t)
	tgt := gateTarget(t, g.URL(), gatePass)
	for range 4 {
		_, err := poll(t, c, tgt)
		require.NoError(t, err)
	}
	assert.Positive(t, g.AuthFailures(), "the fake did wear nonces out")
}

// TestWrongPassword: a refused password fails the round as 认证失败, is not
// offered again for a while (Hikvision locks accounts), never shows in the
// error, and a corrected password file is tried at once.
func TestWrongPassword(t *testing.T) {
	g := newHikGate(t, devicefake.Auth{Scheme: "digest", User: "admin", Password: gatePass})
	c := newTestCollector(t)
	tgt := gateTarget(t, g.URL(), "wrong-Secret-77")
	_, err := poll(t, c, tgt)
	require.ErrorIs(t, err, ErrAuth)
	assert.NotContains(t, err.Error(), "wrong-Secret-77")
	assert.NotContains(t, err.Error(), gatePass)
	before := g.Requests()
	_, err = poll(t, c, tgt)
	require.ErrorIs(t, err, ErrAuth)
	assert.Contains(t, err.Error(), "offered again")
	assert.Equal(t, before, g.Requests(), "refused credentials are not sent again within the back-off")

	require.NoError(t, os.WriteFile(tgt.Params["password_file"], []byte(gatePass+"\n"), 0o600))
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
}

// TestBarrierXML: Hikvision's barrierGateStatus XML, read as a tree.
func TestBarrierXML(t *testing.T) {
	b, err := devicefake.NewHikvisionBarrier("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	b.SetAuth(devicefake.Auth{Scheme: "digest", User: "admin", Password: gatePass})
	c := newTestCollector(t)
	tgt := target("barrier-e1", "hikvision-barrier", b.URL(), "gate", "东停车场入口", "username", "admin",
		"password_file", secretFile(t, "p", gatePass))
	for status, ok := range map[int]float64{0: 0, 1: 1, 2: 1} {
		b.SetStatus(status)
		rec, err := poll(t, c, tgt)
		require.NoError(t, err)
		assert.Equal(t, ok, value(t, rec, `barrier_ok{gate="东停车场入口"}`), "status %d", status)
		assert.Equal(t, float64(status), value(t, rec, `device_barrier_position{gate="东停车场入口"}`))
	}
}

// TestXixunLED: card information and the FPGA board's sensors through the
// realtime server; an old firmware without getFpgaInfomation keeps the rest.
func TestXixunLED(t *testing.T) {
	x, err := devicefake.NewXixunServer("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { x.Close() })
	x.SetCard("y10-817-01926", devicefake.XixunCard{Online: true, ScreenOn: true, Brightness: 204,
		Program: "欢迎来到天鹅湖", Temperature: 55, Voltage: 4.52})
	c := newTestCollector(t)
	tgt := target("led-north", "xixun-led", x.URL(), "card_id", "y10-817-01926")
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "led_on{}"))
	assert.InDelta(t, 80, value(t, rec, "led_brightness_percent{}"), 1e-9)
	assert.Equal(t, 1.0, value(t, rec, `led_playing_info{program="欢迎来到天鹅湖"}`))
	assert.Equal(t, 55.0, value(t, rec, "led_temperature_celsius{}"))
	assert.Equal(t, 4.52, value(t, rec, "device_led_card_volts{}"))
	assert.Equal(t, 0.0, value(t, rec, "device_led_smoke_alarm{}"))

	x.Update("y10-817-01926", func(c *devicefake.XixunCard) { c.ScreenOn, c.NoFPGA, c.Smoke = false, true, true })
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, "led_on{}"))
	_, ok := rec.Value("led_temperature_celsius{}")
	assert.False(t, ok, "no FPGA answer, no temperature")

	x.Update("y10-817-01926", func(c *devicefake.XixunCard) { c.Online = false })
	_, err = poll(t, c, tgt)
	require.ErrorIs(t, err, ErrDevice)
	assert.Contains(t, err.Error(), "not opened")
}

// TestNovastarCOEX: the processor's screen, display mode and monitoring.
func TestNovastarCOEX(t *testing.T) {
	const screen = "{7e9cd858-780b-40d1-9f20-0fa0d53a06ce}"
	p, err := devicefake.NewCoexProcessor("127.0.0.1:0", screen)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	c := newTestCollector(t)
	tgt := target("led-plaza", "novastar-coex", p.URL(), "screen_id", screen)
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "device_led_screens{}"))
	assert.Equal(t, 1.0, value(t, rec, "led_on{}"))
	assert.Equal(t, 80.0, value(t, rec, "led_brightness_percent{}"))
	assert.Equal(t, 42.0, value(t, rec, "led_temperature_celsius{}"))
	assert.Equal(t, 350.0, value(t, rec, "led_power_watts{}"))
	assert.Equal(t, 0.0, value(t, rec, "led_module_faults{}"))

	p.Set(func(s *devicefake.CoexState) { s.DisplayMode, s.AbnormalCards, s.NoMonitoring = 2, 3, false })
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, "led_on{}"), "blackout")
	assert.Equal(t, 3.0, value(t, rec, "led_module_faults{}"))

	p.Set(func(s *devicefake.CoexState) { s.NoMonitoring = true })
	rec, err = poll(t, c, tgt)
	require.NoError(t, err, "monitoring is optional: the tested MX lacks it")
	_, ok := rec.Value("led_temperature_celsius{}")
	assert.False(t, ok)

	_, err = poll(t, c, target("led-plaza", "novastar-coex", p.URL(), "screen_id", "{other}"))
	require.ErrorIs(t, err, ErrDevice)
	assert.Contains(t, err.Error(), "code")
}

// TestParkingJSON: one series per lot from the data array.
func TestParkingJSON(t *testing.T) {
	p, err := devicefake.NewParkingServer("127.0.0.1:0",
		devicefake.ParkingLot{Code: "P1", Name: "东停车场", Total: 420, Free: 130},
		devicefake.ParkingLot{Code: "P2", Name: "西停车场", Total: 300, Free: 0})
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	c := newTestCollector(t)
	rec, err := poll(t, c, target("parking", "parking-json", p.URL()))
	require.NoError(t, err)
	assert.Equal(t, 130.0, value(t, rec, `parking_free_spaces{lot="东停车场"}`))
	assert.Equal(t, 420.0, value(t, rec, `parking_capacity{lot="东停车场"}`))
	assert.Equal(t, 0.0, value(t, rec, `parking_free_spaces{lot="西停车场"}`))
	assert.Len(t, rec.Series(), 4)
}

// TestHTTPFaults: garbage, a server error, a hung device, a reset and a
// malformed address each fail the round with the reason, by the deadline.
func TestHTTPFaults(t *testing.T) {
	p, err := devicefake.NewParkingServer("127.0.0.1:0", devicefake.ParkingLot{Code: "P1", Name: "东", Total: 10, Free: 1})
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	c := newTestCollector(t, func(c *Config) { c.RequestTimeout = 400 * time.Millisecond; c.Interval = 5 * time.Second })
	tgt := target("parking", "parking-json", p.URL())
	for fault, want := range map[devicefake.Fault]error{devicefake.Garbage: ErrBadAnswer,
		devicefake.ServerError: ErrDevice, devicefake.Hang: ErrTimeout} {
		p.SetFault(fault, 0)
		start := time.Now()
		_, err := poll(t, c, tgt)
		require.ErrorIs(t, err, want, "fault %s", fault)
		assert.Less(t, time.Since(start), 2*time.Second, "fault %s", fault)
	}
	p.SetFault(devicefake.Reset, 0)
	_, err = poll(t, c, tgt)
	require.Error(t, err)

	p.SetFault(devicefake.Healthy, 0)
	_, err = poll(t, c, target("parking", "parking-json", strings.Replace(p.URL(), "http://", "http://u:Hunter2pass@", 1)))
	require.ErrorIs(t, err, ErrAddress)
	assert.NotContains(t, err.Error(), "Hunter2pass")
	_, err = poll(t, c, target("parking", "parking-json", "ftp://"+p.Addr()))
	require.ErrorIs(t, err, ErrAddress)
	_, err = poll(t, c, target("parking", "no-such-profile", p.URL()))
	require.ErrorIs(t, err, ErrConfig)
}

// TestSlowDeviceDoesNotStallOthers: while one device hangs to its deadline,
// rounds on the others finish at their own pace.
func TestSlowDeviceDoesNotStallOthers(t *testing.T) {
	slow, err := devicefake.NewParkingServer("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { slow.Close() })
	slow.SetFault(devicefake.Hang, 0)
	c := newTestCollector(t)
	var fast []string
	for range 5 {
		p, err := devicefake.NewParkingServer("127.0.0.1:0", devicefake.ParkingLot{Code: "P", Name: "东", Total: 9, Free: 9})
		require.NoError(t, err)
		t.Cleanup(func() { p.Close() })
		fast = append(fast, p.URL())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	hung := make(chan error, 1)
	go func() {
		hung <- c.Collect(ctx, target("slow", "parking-json", slow.URL()), func(string, float64, ...string) {})
	}()
	time.Sleep(100 * time.Millisecond) // the slow round is under way
	var wg sync.WaitGroup
	took := make([]time.Duration, len(fast))
	for i, u := range fast {
		wg.Go(func() {
			start := time.Now()
			_, err := poll(t, c, target("fast", "parking-json", u))
			assert.NoError(t, err)
			took[i] = time.Since(start)
		})
	}
	wg.Wait()
	for _, d := range took {
		assert.Less(t, d, time.Second)
	}
	require.ErrorIs(t, <-hung, ErrTimeout)
}

// TestHTTPS: a device with a self-signed certificate is read when its
// profile allows it (insecure_tls), and refused by the shipped profiles,
// which verify certificates.
func TestHTTPS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"status":{"up":true},"_type":"success","card":{}}`)
	}))
	defer srv.Close()
	c := newTestCollector(t, withTestProfiles)
	rec, err := poll(t, c, target("box", "test-https", srv.URL))
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "device_t_up{}"))
	_, err = poll(t, c, target("led", "xixun-led", srv.URL, "card_id", "x"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
}
