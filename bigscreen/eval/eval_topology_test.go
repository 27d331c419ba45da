package eval

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/sim"
)

// evalTestWAN is a small WAN: a core, two aggregation switches on a
// redundancy group, a town, a village and an internet exit to a carrier.
func evalTestWAN() []inventory.Target {
	dev := func(name, level, parent string) inventory.Target {
		return inventory.Target{Name: name, Kind: "snmp", Level: level, Parent: parent, District: "灵宝市", Site: name + "机房"}
	}
	link := func(name, a, b, group, isp string) inventory.Target {
		return inventory.Link{Name: name, Level: "county", District: "灵宝市", ADevice: a, AInterface: "ge1",
			BDevice: b, BInterface: "ge1", Group: group, ISP: isp, BandwidthBps: 1e9}.Targets()[0]
	}
	return []inventory.Target{
		dev("c1", "city", ""), dev("a1", "county", "c1"), dev("a2", "county", "c1"), dev("t1", "town", "a1"),
		dev("v1", "village", "t1"), {Name: "vm1", Kind: "agent", Level: "county"},
		link("L1", "c1", "a1", "g1", ""), link("L2", "c1", "a2", "g1", ""), link("L3", "a1", "t1", "", ""),
		link("L4", "t1", "v1", "", ""), link("L5", "c1", "", "", "电信"),
	}
}

func evalTestWANData(t *testing.T, db *evalTestTSDB) {
	ts := evalTestAt.Add(-10e9)
	for dev, up := range map[string]float64{"c1": 1, "a1": 1, "a2": 0, "t1": 1} {
		db.add(t, ts, up, "up", "kind", "snmp", "instance", dev)
	}
	db.add(t, ts, 1, "up", "kind", "agent", "instance", "vm1") // no device of the WAN
	for link, up := range map[string]float64{"L1": 1, "L2": 0, "L3": 1} {
		db.add(t, ts, up, "swanwatch:link_up", "link", link, "district", "灵宝市")
	}
	db.add(t, ts, 1, "swanwatch:link_redundancy_state", "group", "g1")
	db.add(t, ts, 0.3, "swanwatch:link_utilisation_in:ratio", "link", "L1")
	db.add(t, ts, 0.5, "swanwatch:link_utilisation_out:ratio", "link", "L1")
	db.add(t, ts, 0.1, "swanwatch:link_utilisation_in:ratio", "link", "L3")
}

func evalTestTopology(t *testing.T, targets []inventory.Target, limit int) string {
	db := newEvalTestTSDB(t, 1e6)
	evalTestWANData(t, db)
	e, err := New(Options{Scenes: evalTestLoad(t, "id: w\ntitle: 网\npanels:\n"+
		evalTestPanel("topo", "topology", 0, "    source: topology\n")), Query: db.query,
		Inventory: func() []inventory.Target { return targets }, Publish: newEvalTestPublished().publish})
	require.NoError(t, err)
	e.topoLimit = limit
	data, err := newEvalRound(context.Background(), e, evalTestAt).topology()
	require.NoError(t, err)
	b, err := json.Marshal(data)
	require.NoError(t, err)
	return string(b)
}

func TestTopologyStates(t *testing.T) {
	got := evalTestTopology(t, evalTestWAN(), topoMaxNodes)
	assert.JSONEq(t, `{"nodes":[
		{"id":"c1","name":"c1","level":"city","state":"ok"},
		{"id":"a1","name":"a1","level":"county","state":"ok"},
		{"id":"a2","name":"a2","level":"county","state":"bad"},
		{"id":"ext:L5","name":"电信","level":"county","state":"unknown"},
		{"id":"t1","name":"t1","level":"town","state":"ok"},
		{"id":"v1","name":"v1","level":"village","state":"unknown"}],
	"links":[
		{"source":"a1","target":"t1","state":"ok","util":0.1},
		{"source":"c1","target":"a1","state":"degraded","util":0.5},
		{"source":"c1","target":"a2","state":"down","util":null},
		{"source":"c1","target":"ext:L5","state":"unknown","util":null},
		{"source":"t1","target":"v1","state":"unknown","util":null}]}`, got)
}

func TestTopologyFolds(t *testing.T) {
	// Six nodes over a limit of five: the village folds under its town,
	// still six, so the town and its villages fold into the district.
	got := evalTestTopology(t, evalTestWAN(), 5)
	assert.JSONEq(t, `{"nodes":[
		{"id":"c1","name":"c1","level":"city","state":"ok"},
		{"id":"a1","name":"a1","level":"county","state":"ok"},
		{"id":"a2","name":"a2","level":"county","state":"bad"},
		{"id":"ext:L5","name":"电信","level":"county","state":"unknown"},
		{"id":"towns@灵宝市","name":"灵宝市 乡镇及村级","level":"town","state":"ok","count":2}],
	"links":[
		{"source":"a1","target":"towns@灵宝市","state":"ok","util":0.1},
		{"source":"c1","target":"a1","state":"degraded","util":0.5},
		{"source":"c1","target":"a2","state":"down","util":null},
		{"source":"c1","target":"ext:L5","state":"unknown","util":null}]}`, got)
}

// evalTestEstate is the simulator's estate as the inventory loads it.
func evalTestEstate(t testing.TB, vms int, wanScale float64) []inventory.Target {
	s, err := sim.New(sim.Options{VMs: vms, WANScale: wanScale, Seed: 1})
	require.NoError(t, err)
	exp := s.Inventory()
	var out []inventory.Target
	for _, x := range exp.Targets {
		out = append(out, inventory.Target{Name: x.Name, Kind: x.Kind, Address: x.Address, District: x.District,
			Level: x.Level, Site: x.Site, System: x.System, Dept: x.Dept, Parent: x.Parent, Labels: x.Labels, Params: x.Params})
	}
	for _, l := range exp.Links {
		out = append(out, inventory.Link{Name: l.Name, Level: l.Level, District: l.District, ADevice: l.ADevice,
			AInterface: l.AInterface, BDevice: l.BDevice, BInterface: l.BInterface,
			BandwidthBps: inventory.Bandwidth(l.Bandwidth), Group: l.Group, ISP: l.ISP, IPv4: l.IPv4, IPv6: l.IPv6}.Targets()...)
	}
	return out
}

// TestTopologyReferenceEstate: the ~2,500 devices of the reference WAN fold
// to a legible page; every device is still counted once and every link
// joins two nodes on it.
func TestTopologyReferenceEstate(t *testing.T) {
	targets := evalTestEstate(t, 10, 1)
	devices := 0
	for _, x := range targets {
		if x.Kind == "snmp" {
			devices++
		}
	}
	require.Greater(t, devices, 2000)
	var data scene.TopologyData
	require.NoError(t, json.Unmarshal([]byte(evalTestTopology(t, targets, topoMaxNodes)), &data))
	assert.LessOrEqual(t, len(data.Nodes), topoMaxNodes)
	ids, counted, aggregates := map[string]bool{}, 0, 0
	for _, n := range data.Nodes {
		ids[n.ID] = true
		counted += max(n.Count, 1)
		if n.Count > 0 {
			aggregates++
			assert.Equal(t, "village", n.Level, n.ID)
		}
	}
	assert.Greater(t, aggregates, 50, "villages fold per town")
	assert.Equal(t, devices+3, counted, "every device once, plus the three carriers")
	for _, l := range data.Links {
		assert.True(t, ids[l.Source] && ids[l.Target], "%s → %s", l.Source, l.Target)
	}
}

// TestDistrictPointsInsideTheirDistricts checks the map's points against the
// page's GeoJSON: 市本级 and 经济开发区 in 湖滨区, the other two zones in 陕州区.
func TestDistrictPointsInsideTheirDistricts(t *testing.T) {
	raw, err := os.ReadFile("../web/map/sanmenxia-districts.geojson")
	require.NoError(t, err)
	var geo struct {
		Features []struct {
			Properties struct{ Name string }
			Geometry   struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	require.NoError(t, json.Unmarshal(raw, &geo))
	want := map[string]string{"市本级": "湖滨区", "经济开发区": "湖滨区", "城乡一体化示范区": "陕州区", "现代服务业开发区": "陕州区"}
	require.Len(t, districtPoints, len(want))
	for name, pt := range districtPoints {
		var in []string
		for _, f := range geo.Features {
			var polys [][][][2]float64
			if f.Geometry.Type == "Polygon" {
				var p [][][2]float64
				require.NoError(t, json.Unmarshal(f.Geometry.Coordinates, &p))
				polys = append(polys, p)
			} else {
				require.NoError(t, json.Unmarshal(f.Geometry.Coordinates, &polys))
			}
			for _, p := range polys {
				if evalTestInRing(pt, p[0]) {
					in = append(in, f.Properties.Name)
				}
			}
		}
		assert.Equal(t, []string{want[name]}, in, name)
	}
}

func evalTestInRing(pt []float64, ring [][2]float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < (b[0]-a[0])*(pt[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}
