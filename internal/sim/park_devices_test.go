package sim

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/device"
)

// deviceRound runs the device collector (the park devices' real consumer,
// with its shipped profiles) once on a park row and returns its series as
// "name{label=value,…}" → value.
func deviceRound(t testing.TB, c *device.Collector, r ExportTarget) map[string]float64 {
	t.Helper()
	labels := map[string]string{"district": r.District, "site": r.Site, "system": r.System, "parent": r.Parent}
	for k, v := range r.Labels {
		labels[k] = v
	}
	out := map[string]float64{}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := c.Collect(ctx, collectors.Target{Kind: r.Kind, Name: r.Name, Address: r.Address, Labels: labels, Params: r.Params},
		func(metric string, v float64, ls ...string) {
			var kv []string
			for i := 0; i+1 < len(ls); i += 2 {
				kv = append(kv, ls[i]+"="+ls[i+1])
			}
			sort.Strings(kv)
			out[metric+"{"+strings.Join(kv, ",")+"}"] = v
		})
	require.NoError(t, err, "%s (%s)", r.Name, r.Params["profile"])
	return out
}

// sum adds the series of one metric.
func sum(series map[string]float64, metric string) (float64, int) {
	s, n := 0.0, 0
	for k, v := range series {
		if strings.HasPrefix(k, metric+"{") {
			s, n = s+v, n+1
		}
	}
	return s, n
}

// The park's device rows, read by the device collector with its shipped
// profiles: each box answers in its vendor's format with the model's figures,
// and the plate cameras' pushes reach the collector's receiver.
func TestParkDevicesCollected(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-28 10:30:00")) // a Saturday morning
	dir := t.TempDir()
	token := filepath.Join(dir, "push-token")
	require.NoError(t, os.WriteFile(token, []byte("tok-0123456789abcdef\n"), 0o600))
	cfg := device.Config{PushTokenFile: token}.WithDefaults()
	coll, err := device.New(cfg, nil, device.WithClock(clk.Now))
	require.NoError(t, err)
	t.Cleanup(func() { _ = coll.Close() })
	recv := httptest.NewServer(coll.Plates())
	t.Cleanup(recv.Close)
	s := startSim(t, Options{VMs: 2, Seed: 6, Now: clk.Now,
		Park: &ParkOptions{SecretsDir: filepath.Join(dir, "secrets"), PlatePushURL: recv.URL + "/?token=tok-0123456789abcdef"}})
	rows := parkRows(t, s)
	p, x := s.park, clk.float()
	d, _ := cstDay(x)
	dayStart := float64(d)*day - shanghaiOffset

	for i := range parkGates {
		g := &parkGates[i]
		got := deviceRound(t, coll, rows[g.Name])
		assert.Equal(t, 1.0, got["gate_ok{gate="+g.Label+"}"], g.Name)
		in := got["gate_passages_total{direction=in,gate="+g.Label+"}"]
		want := p.gate(g, x).In
		if g.Kind == "hikvision" { // the turnstile counts today
			want -= p.gate(g, dayStart).In
		}
		assert.InDelta(t, float64(want), in, 2, "%s: passages in", g.Name)
		assert.Greater(t, in, 0.0, g.Name)
	}
	require.NoError(t, s.JamGate(s.DemoGate()))
	jam := deviceRound(t, coll, rows[s.DemoGate()])
	assert.Equal(t, 0.0, jam["gate_ok{gate=南门1号闸机}"])
	assert.Equal(t, float64(gateFaultJam), jam["gate_fault_code{gate=南门1号闸机}"])
	require.NoError(t, s.FreeGate(s.DemoGate()))
	assert.Equal(t, 1.0, deviceRound(t, coll, rows[s.DemoGate()])["gate_ok{gate=南门1号闸机}"])

	for i := range parkLots {
		l := &parkLots[i]
		got := deviceRound(t, coll, rows["parking-"+l.Name])
		assert.Equal(t, float64(p.lot(l, x).Free), got["parking_free_spaces{lot="+l.Label+"}"], l.Name)
		assert.Equal(t, float64(l.Capacity), got["parking_capacity{lot="+l.Label+"}"], l.Name)
		assert.Equal(t, 1.0, deviceRound(t, coll, rows["barrier-"+l.Name])["barrier_ok{gate="+l.Label+"道闸}"], l.Name)
	}
	for i, l := range parkLEDs {
		got := deviceRound(t, coll, rows[l.Name])
		st := p.led(i, x)
		assert.Equal(t, 1.0, got["led_on{}"], l.Name)
		assert.InDelta(t, st.Brightness, got["led_brightness_percent{}"], 1, l.Name)
		assert.InDelta(t, st.Temperature, got["led_temperature_celsius{}"], 0.11, l.Name)
	}
	wifi := deviceRound(t, coll, rows[parkAC])
	up, aps := sum(wifi, "wifi_ap_up")
	clients, _ := sum(wifi, "wifi_clients")
	assert.Equal(t, 12, aps)
	assert.Equal(t, 12.0, up)
	assert.Greater(t, clients, 100.0, "a Saturday morning's WiFi clients")
	for _, b := range parkBroadcast {
		assert.Equal(t, 1.0, deviceRound(t, coll, rows[b.Name])["broadcast_zone_up{zone="+b.Site+"}"], b.Name)
	}

	// The plate cameras push as the cars come: twenty minutes of a Saturday
	// morning, a minute every 300 ms.
	for range 20 {
		clk.Add(time.Minute)
		time.Sleep(300 * time.Millisecond)
	}
	time.Sleep(time.Second)
	lot := &parkLots[0]
	cars := p.cars(p.plates[0], clk.float()) - p.cars(p.plates[0], x)
	require.Greater(t, cars, int64(5), "too few cars in twenty minutes to test")
	got := deviceRound(t, coll, rows["plate-"+lot.Name+"-in"])
	key := fmt.Sprintf("vehicle_passages_total{direction=in,gate=%s道闸}", lot.Label)
	assert.InDelta(t, float64(cars), got[key], 2, "plate reads counted by the receiver: %v", got)
	_, opens := sum(got, "barrier_open_seconds")
	assert.Equal(t, 1, opens, "the barrier's open time from the IO push: %v", got)
}
