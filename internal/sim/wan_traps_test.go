package sim

import (
	"io"
	"log"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// received is one trap as gosnmp's TrapListener saw it.
type received struct {
	pkt  *gosnmp.SnmpPacket
	from *net.UDPAddr
}

// trapListener runs gosnmp's TrapListener on a free port of 127.0.0.1 and
// returns its address and what it receives.
func trapListener(t *testing.T) (string, <-chan received) {
	t.Helper()
	probe, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	addr := probe.LocalAddr().String()
	require.NoError(t, probe.Close()) // TrapListener does not tell its port: take a free one
	got := make(chan received, 16)
	tl := gosnmp.NewTrapListener()
	tl.Params = &gosnmp.GoSNMP{Version: gosnmp.Version2c, Logger: gosnmp.NewLogger(log.New(io.Discard, "", 0))}
	tl.OnNewTrap = func(p *gosnmp.SnmpPacket, from *net.UDPAddr) { got <- received{p, from} }
	done := make(chan error, 1)
	go func() { done <- tl.Listen(addr) }()
	select {
	case <-tl.Listening():
	case err := <-done:
		t.Fatalf("trap listener: %v", err)
	}
	t.Cleanup(func() {
		tl.Close()
		require.NoError(t, <-done)
	})
	return addr, got
}

// wantTraps collects n traps, then checks that no other arrives for a moment.
func wantTraps(t *testing.T, got <-chan received, n int) []received {
	t.Helper()
	var out []received
	for len(out) < n {
		select {
		case r := <-got:
			out = append(out, r)
		case <-time.After(3 * time.Second):
			t.Fatalf("%d of %d traps arrived", len(out), n)
		}
	}
	select {
	case r := <-got:
		t.Fatalf("an extra trap from %s: %v", r.from, r.pkt.Variables)
	case <-time.After(300 * time.Millisecond):
	}
	return out
}

// checkTrap checks a link trap's varbinds and that it came from d's own agent address.
func checkTrap(t *testing.T, s *Sim, r received, d *wanDevice, idx int, up bool) {
	t.Helper()
	assert.Equal(t, s.wan.addr(d.idx), r.from.String(), "sent from %s's agent address", d.Name)
	assert.Equal(t, "simtrap", r.pkt.Community)
	assert.Equal(t, gosnmp.SNMPv2Trap, r.pkt.PDUType)
	trapOID, oper := oidLinkDown, 2
	if up {
		trapOID, oper = oidLinkUp, 1
	}
	v := r.pkt.Variables
	require.Len(t, v, 6)
	i := strconv.Itoa(idx)
	assert.Equal(t, oidSysUpTime0, v[0].Name, "sysUpTime first")
	assert.Equal(t, gosnmp.TimeTicks, v[0].Type)
	assert.Equal(t, []any{oidSnmpTrapOID0, trapOID}, []any{v[1].Name, v[1].Value}, "snmpTrapOID second")
	assert.Equal(t, []any{oidIfIndexPfx + i, idx}, []any{v[2].Name, v[2].Value})
	assert.Equal(t, []any{oidIfAdminPfx + i, 1}, []any{v[3].Name, v[3].Value})
	assert.Equal(t, []any{oidIfOperPfx + i, oper}, []any{v[4].Name, v[4].Value})
	assert.Equal(t, []any{oidIfNamePfx + i, []byte(d.ports[idx-1].Name)}, []any{v[5].Name, v[5].Value})
}

func TestLinkTraps(t *testing.T) {
	addr, got := trapListener(t)
	clk := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := startSim(t, Options{VMs: 10, Seed: 11, WANScale: 0.1, Now: clk.Now, TrapTarget: addr, TrapCommunity: "simtrap"})
	link, _ := s.DemoUplink()
	agg, town, ai, ti := linkEnds(s, link)
	_, group := dualHomed(t, s)
	ga, gb, gai, gbi := linkEnds(s, group[0])

	t.Run("uplink down: only the reachable end", func(t *testing.T) {
		require.NoError(t, s.ForceLink(link, LinkDown))
		checkTrap(t, s, wantTraps(t, got, 1)[0], agg, ai, false)
	})
	t.Run("down again: no change, no trap", func(t *testing.T) {
		require.NoError(t, s.ForceLink(link, LinkDown))
		wantTraps(t, got, 0)
	})
	t.Run("uplink up: both ends", func(t *testing.T) {
		clk.Add(time.Minute)
		require.NoError(t, s.ForceLink(link, LinkUp))
		rs := wantTraps(t, got, 2)
		by := map[string]received{rs[0].from.String(): rs[0], rs[1].from.String(): rs[1]}
		checkTrap(t, s, by[s.wan.addr(agg.idx)], agg, ai, true)
		checkTrap(t, s, by[s.wan.addr(town.idx)], town, ti, true)
	})
	t.Run("auto while up: no trap", func(t *testing.T) {
		require.NoError(t, s.ForceLink(link, LinkAuto))
		wantTraps(t, got, 0)
	})
	t.Run("one path of a group: both ends", func(t *testing.T) {
		require.NoError(t, s.ForceLink(group[0], LinkDown))
		rs := wantTraps(t, got, 2)
		by := map[string]received{rs[0].from.String(): rs[0], rs[1].from.String(): rs[1]}
		checkTrap(t, s, by[s.wan.addr(ga.idx)], ga, gai, false)
		checkTrap(t, s, by[s.wan.addr(gb.idx)], gb, gbi, false)
	})
}

func TestTrapOptionsRejected(t *testing.T) {
	for name, o := range map[string]Options{
		"no port":        {WANScale: 0.1, TrapTarget: "127.0.0.1"},
		"zero port":      {WANScale: 0.1, TrapTarget: "127.0.0.1:0"},
		"long community": {WANScale: 0.1, TrapTarget: "127.0.0.1:162", TrapCommunity: string(make([]byte, 300))},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "sim options")
		})
	}
}
