package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultEstate(t *testing.T) {
	s, err := New(Options{})
	require.NoError(t, err)
	inv := s.Inventory()
	require.Len(t, inv.Targets, 3000, "3,000 VMs by default (the reference estate)")

	perDistrict, perLevel, systemsSeen := map[string]int{}, map[string]int{}, map[string]bool{}
	names := map[string]bool{}
	for _, tg := range inv.Targets {
		assert.True(t, validName(tg.Name), "name %q", tg.Name)
		assert.False(t, names[tg.Name], "duplicate name %s", tg.Name)
		names[tg.Name] = true
		assert.Equal(t, "agent", tg.Kind)
		assert.True(t, strings.HasSuffix(tg.Address, "/vm/"+tg.Name+"/metrics"), tg.Address)
		for field, v := range map[string]string{"site": tg.Site, "system": tg.System, "dept": tg.Dept, "parent": tg.Parent} {
			assert.NotEmpty(t, v, "%s of %s", field, tg.Name)
		}
		assert.NotEmpty(t, tg.Labels["spec"])
		perDistrict[tg.District]++
		perLevel[tg.Level]++
		systemsSeen[tg.System] = true
	}
	for _, d := range districts {
		assert.GreaterOrEqual(t, perDistrict[d.Name], 1, "district %s", d.Name)
		if d.Name != "市本级" {
			assert.Greater(t, perDistrict["市本级"], perDistrict[d.Name], "市本级 has most VMs")
		}
	}
	assert.Len(t, perDistrict, 10)
	assert.Greater(t, perLevel["city"], perLevel["county"], "most VMs are city-level")
	assert.Equal(t, 3000, perLevel["city"]+perLevel["county"])
	assert.GreaterOrEqual(t, len(systemsSeen), 35, "business systems in use")
}

func TestEstateSizes(t *testing.T) {
	for _, n := range []int{1, 10, 57, 500, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s, err := New(Options{VMs: n, Seed: 7})
			require.NoError(t, err)
			require.Len(t, s.est.vms, n)
			seen := map[string]bool{}
			for _, v := range s.est.vms {
				seen[v.District] = true
				require.Same(t, v, s.est.byName[v.Name])
			}
			if n >= 10 {
				assert.Len(t, seen, 10, "every district has a VM")
			}
		})
	}
}

func TestFailureGroups(t *testing.T) {
	s, err := New(Options{})
	require.NoError(t, err)
	hosts, sites := 0, 0
	for _, g := range s.est.groups {
		for _, i := range g.Members {
			require.Equal(t, g.Name, s.est.groups[s.est.vms[i].group].Name, "member %d", i)
		}
		switch g.Kind {
		case "host":
			hosts++
			assert.LessOrEqual(t, len(g.Members), vmsPerHost)
		case "site":
			sites++
			assert.GreaterOrEqual(t, len(g.Members), 10, "county room %s", g.Name)
			assert.LessOrEqual(t, len(g.Members), 80, "county room %s", g.Name)
		}
	}
	assert.Equal(t, 5, sites, "five counties keep their own machine room")
	assert.InDelta(t, 140, hosts, 20, "~20 VMs per host in the city's data centres")
}

func TestOptionsRejected(t *testing.T) {
	for name, o := range map[string]Options{
		"negative vms":   {VMs: -1},
		"too many vms":   {VMs: maxVMs + 1},
		"share too high": {OfflineShare: 0.6},
		"negative fault": {FaultEvery: -time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "sim options")
		})
	}
}

func TestDeterministicFromSeed(t *testing.T) {
	at := mustTime(t, "2026-11-25 10:17:03")
	a, err := New(Options{VMs: 300, Seed: 42})
	require.NoError(t, err)
	b, err := New(Options{VMs: 300, Seed: 42})
	require.NoError(t, err)
	c, err := New(Options{VMs: 300, Seed: 43})
	require.NoError(t, err)

	require.Equal(t, a.Inventory(), b.Inventory())
	require.Equal(t, a.Offline(at), b.Offline(at))
	differ := 0
	for i, v := range a.est.vms {
		for _, d := range []time.Duration{0, time.Minute, 36 * time.Hour} {
			tt := float64(at.Add(d).UnixNano()) / 1e9
			require.Equal(t, string(a.render(nil, v, tt)), string(b.render(nil, b.est.vms[i], tt)), v.Name)
			if string(a.render(nil, v, tt)) != string(c.render(nil, c.est.vms[i], tt)) {
				differ++
			}
		}
	}
	assert.Greater(t, differ, 800, "another seed gives another estate")
}

func TestInventoryOverHTTP(t *testing.T) {
	s := startSim(t, Options{VMs: 120, Seed: 3})
	c := client(t, 5*time.Second)
	code, body := get(t, c, "http://"+s.Addr()+"/inventory")
	require.Equal(t, http.StatusOK, code)
	var inv Export
	require.NoError(t, json.Unmarshal(body, &inv))
	require.Equal(t, s.Inventory(), inv)
	require.Len(t, inv.Targets, 120)

	ok := 0
	for _, tg := range inv.Targets[:20] {
		require.NoError(t, s.Force(tg.Name, "online", ""))
		code, body := get(t, c, tg.Address)
		require.Equal(t, http.StatusOK, code, tg.Address)
		fams := parse(t, body)
		if fams["node_uname_info"].GetMetric()[0].GetLabel()[2].GetValue() == tg.Name {
			ok++
		}
	}
	assert.Equal(t, 20, ok, "nodename is the VM's name")
}
