package snmp

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// The fake agent covers the ifOperStatus sequences the simulator never
// produces (testing, unknown, lowerLayerDown, wrong types, ports that vanish).

// trapsOf lists the trap label of each event.
func trapsOf(evs []collectors.Event) []string {
	out := []string{}
	for _, ev := range evs {
		out = append(out, ev.Labels["trap"])
	}
	return out
}

func TestFakeOperSequences(t *testing.T) {
	cases := []struct {
		name string
		oper []int // ifOperStatus of GE0/0/1 at each poll
		want []string
	}{
		{"down then up", []int{1, 2, 2, 1}, []string{"linkDown", "linkUp"}},
		{"steady up", []int{1, 1, 1}, []string{}},
		{"first poll sees it down", []int{2, 2, 1}, []string{"linkUp"}},
		{"testing then down is one linkDown", []int{1, 3, 2}, []string{"linkDown"}},
		{"testing and back is nothing", []int{1, 3, 1}, []string{}},
		{"unknown first, then learns down", []int{4, 2, 1}, []string{"linkUp"}},
		{"dormant, notPresent, lowerLayerDown neither raise nor clear", []int{1, 5, 6, 7, 1}, []string{}},
		{"down held across lowerLayerDown", []int{1, 2, 7, 2, 1}, []string{"linkDown", "linkUp"}},
		{"flapping", []int{1, 2, 1, 2}, []string{"linkDown", "linkUp", "linkDown"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1)))
			sink := &eventRecorder{}
			c := quickCollector(t, sink)
			tgt := v2Target(t, "agg-sw", f.addr())
			var got []collectors.Event
			for _, v := range tc.oper {
				f.set(ifCols[cOper]+".1", gosnmp.Integer, v)
				_, err := poll(t, c, tgt)
				require.NoError(t, err)
				got = append(got, sink.take()...)
			}
			assert.Equal(t, tc.want, trapsOf(got))
			for _, ev := range got {
				assert.Equal(t, "GE0/0/1", ev.Labels["ifname"])
				assert.Equal(t, "1", ev.Labels["ifindex"])
				assert.Equal(t, "湖滨区", ev.Labels["district"], "the target's labels come along")
			}
		})
	}
}

func TestFakeOperWrongTypeIgnored(t *testing.T) {
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1)))
	sink := &eventRecorder{}
	c := quickCollector(t, sink)
	tgt := v2Target(t, "odd-sw", f.addr())
	_, err := poll(t, c, tgt)
	require.NoError(t, err)
	f.set(ifCols[cOper]+".1", gosnmp.OctetString, []byte("down"))
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	f.set(ifCols[cOper]+".1", gosnmp.Integer, 2)
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, []string{"linkDown"}, trapsOf(sink.take()), "a garbage value is no state: up … down is one linkDown")
}

func TestFakeVanishedPortForgotten(t *testing.T) {
	two := fakeIf{index: "2", name: "GE0/0/2", speed: 1e9, in32: 5}
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1), two))
	sink := &eventRecorder{}
	c := quickCollector(t, sink)
	tgt := v2Target(t, "agg-sw", f.addr())
	_, err := poll(t, c, tgt)
	require.NoError(t, err)
	require.Len(t, c.states[tgt.Key()].oper, 2)

	f.setTable(deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1))) // the module of GE0/0/2 was pulled
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Len(t, c.states[tgt.Key()].oper, 1, "only interfaces the device reports are remembered")

	f.setTable(deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1), two))
	f.set(ifCols[cOper]+".2", gosnmp.Integer, 2)
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Empty(t, sink.take(), "a port that comes back is seen for the first time")
}

func TestFakeBrokenWalkKeepsState(t *testing.T) {
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1)))
	sink := &eventRecorder{}
	c := quickCollector(t, sink)
	tgt := v2Target(t, "agg-sw", f.addr())
	_, err := poll(t, c, tgt)
	require.NoError(t, err)

	f.set(ifCols[cOper]+".1", gosnmp.Integer, 2)
	f.setHook(func(req, resp *gosnmp.SnmpPacket) []byte { // an OID loop breaks the IF walk
		if req.PDUType == gosnmp.GetBulkRequest {
			for i := range resp.Variables {
				resp.Variables[i].Name = strings.TrimSuffix(req.Variables[i%len(req.Variables)].Name, ".1") + ".1"
			}
		}
		return marshal(resp)
	})
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	require.Equal(t, 1.0, value(t, rec, `snmp_errors{stage="if"}`))
	assert.Empty(t, sink.take(), "nothing said from a walk that broke off")

	f.setHook(nil)
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, []string{"linkDown"}, trapsOf(sink.take()), "the state before the broken walk was kept")
}

func TestFakeMovedTargetStartsAfresh(t *testing.T) {
	f1 := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1)))
	f2 := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1)))
	f2.set(ifCols[cOper]+".1", gosnmp.Integer, 2)
	sink := &eventRecorder{}
	c := quickCollector(t, sink)
	tgt := v2Target(t, "agg-sw", f1.addr())
	_, err := poll(t, c, tgt)
	require.NoError(t, err)
	tgt.Address = f2.addr() // replaced device, same inventory name
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Empty(t, sink.take(), "another address is another device: its ports are new")
}

// TestFakeLinkEventBound: a line card with 300 ports fails at once; one
// round delivers the bound, the next the rest.
func TestFakeLinkEventBound(t *testing.T) {
	const n = maxLinkEventsPerRound + 44
	ifs := make([]fakeIf, n)
	for i := range ifs {
		ifs[i] = fakeIf{index: strconv.Itoa(i + 1), name: "GE1/0/" + strconv.Itoa(i+1), speed: 1e9}
	}
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, ifs...))
	sink := &eventRecorder{}
	c := quickCollector(t, sink)
	tgt := v2Target(t, "chassis", f.addr())
	_, err := poll(t, c, tgt)
	require.NoError(t, err)
	for i := range n {
		f.set(ifCols[cOper]+"."+strconv.Itoa(i+1), gosnmp.Integer, 2)
	}
	deferred := mLinkEventsDeferred.Get()
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Len(t, sink.take(), maxLinkEventsPerRound)
	assert.Equal(t, deferred+44, mLinkEventsDeferred.Get())
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	rest := sink.take()
	assert.Len(t, rest, 44, "the deferred changes come with the next round")
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Empty(t, sink.take(), "and only once")
}
