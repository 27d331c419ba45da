package link_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/link"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

// TestInventoryLinks: the targets internal/inventory makes of its links, mapped
// as internal/app maps every target, are what this collector reads — the two
// packages agree on the params without importing each other.
func TestInventoryLinks(t *testing.T) {
	links := []inventory.Link{
		{Name: "city-hubin-1", Level: "county", District: "湖滨区", ADevice: "sx-core-01", AInterface: "GE1/0/1",
			BDevice: "hubin-agg-01", BInterface: "GE0/0/1", BandwidthBps: 20e9, Group: "city-hubin",
			IPv4: "10.4.0.1", Labels: map[string]string{"owner": "市大数据局"}},
		{Name: "exit-unicom", Level: "city", District: "市本级", ADevice: "sx-exit-02", AInterface: "XGE0/0/1",
			BandwidthBps: 500e6, Group: "internet-exit", ISP: "联通"},
	}
	ts, probs := inventory.Load(context.Background(), inventory.Config{Links: links}, inventory.Options{Kinds: []string{"link"}})
	require.Empty(t, probs, inventory.String(probs))
	require.Len(t, ts, 2)
	want := [][]string{
		{`swanwatch_link_bandwidth_bits_per_second{link="city-hubin-1"}`,
			`swanwatch_link_info{a_device="sx-core-01",a_ifname="GE1/0/1",b_device="hubin-agg-01",b_ifname="GE0/0/1",group="city-hubin",link="city-hubin-1"}`},
		{`swanwatch_link_bandwidth_bits_per_second{link="exit-unicom"}`,
			`swanwatch_link_info{a_device="sx-exit-02",a_ifname="XGE0/0/1",group="internet-exit",isp="联通",link="exit-unicom"}`},
	}
	c := link.New(link.Config{})
	for i, it := range ts {
		tgt := collectors.Target{Kind: it.Kind, Name: it.Name, Address: it.Address, Labels: it.AllLabels(), Params: it.Params}
		rec := collectortest.NewRecorder(tgt)
		require.NoError(t, c.Collect(context.Background(), tgt, rec.Emit))
		rec.Close()
		assert.Equal(t, want[i], rec.Series())
		assert.Empty(t, rec.Problems())
		v, _ := rec.Value(want[i][0])
		assert.Equal(t, float64(links[i].BandwidthBps), v)
	}
}
