package inventory

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var wanKinds = Options{Kinds: []string{"agent", "snmp", "netprobe", "link"}}

func TestParseBandwidth(t *testing.T) {
	good := map[string]Bandwidth{
		"10M": 10e6, "1G": 1e9, "2x10G": 20e9, "2×10G": 20e9, "2 * 10 G": 20e9, "500Mbps": 500e6,
		"100 Mbit/s": 100e6, "1.5G": 1.5e9, "64k": 64e3, "1000000": 1e6, "1e9": 1e9, " 1g ": 1e9, "10Mb/s": 10e6,
	}
	for in, want := range good {
		t.Run(in, func(t *testing.T) {
			got, err := ParseBandwidth(in)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	bad := map[string]string{
		"":        "not a rate",
		"fast":    "not a rate",
		"100MB":   "B means bytes",
		"10Q":     "unknown unit",
		"10Mbyte": "unknown unit",
		"0":       "out of range",
		"0.1":     "out of range",
		"200T":    "out of range",
		"-1G":     "not a rate",
	}
	for in, want := range bad {
		t.Run("bad "+in, func(t *testing.T) {
			_, err := ParseBandwidth(in)
			assert.ErrorContains(t, err, want)
		})
	}
	for b, want := range map[Bandwidth]string{20e9: "20G", 100e6: "100M", 1500e6: "1500M", 64e3: "64k", 1234: "1234", 3e12: "3T"} {
		assert.Equal(t, want, b.String())
	}
}

func TestLinkTargets(t *testing.T) {
	l := Link{Name: "city-hubin-1", Level: "county", District: "湖滨区",
		ADevice: "sx-core-01", AInterface: "GE1/0/1", BDevice: "hubin-agg-01", BInterface: "GE0/0/1", BandwidthBps: 1e9,
		Group: "city-hubin", IPv4: "10.4.0.1", IPv6: "fd00:4::1", Labels: map[string]string{"carrier": "政务外网"}, Source: "e.yaml:3"}
	ts := l.Targets()
	require.Len(t, ts, 2)
	assert.Equal(t, Target{Name: "city-hubin-1", Kind: "link", Address: "sx-core-01:GE1/0/1", District: "湖滨区", Level: "county",
		Labels: map[string]string{"carrier": "政务外网"},
		Params: map[string]string{"a_device": "sx-core-01", "a_ifname": "GE1/0/1", "b_device": "hubin-agg-01", "b_ifname": "GE0/0/1",
			"group": "city-hubin", "bandwidth_bps": "1000000000"}, Source: "e.yaml:3"}, ts[0])
	assert.Equal(t, Target{Name: "city-hubin-1", Kind: "netprobe", Address: "10.4.0.1", District: "湖滨区", Level: "county",
		Labels: map[string]string{"carrier": "政务外网", "link": "city-hubin-1", "group": "city-hubin"},
		Params: map[string]string{"probe": "icmp", "ipv4": "10.4.0.1", "ipv6": "fd00:4::1"}, Source: "e.yaml:3"}, ts[1])
	assert.Equal(t, map[string]string{"carrier": "政务外网"}, l.Labels, "Targets does not touch the link's own labels")

	v6 := Link{Name: "v6only", ADevice: "d", AInterface: "i", BandwidthBps: 1e6, IPv6: "2001:db8::1"}
	assert.Equal(t, "2001:db8::1", v6.Targets()[1].Address, "no IPv4: the probe dials IPv6")
	assert.Len(t, Link{Name: "noprobe", ADevice: "d", AInterface: "i", BandwidthBps: 1e6}.Targets(), 1, "no probe address, no netprobe target")
}

const linksYAML = `links:
  - name: city-hubin-1
    level: 县级
    district: hubin
    a_device: sx-core-01
    a_interface: GE1/0/1
    b_device: hubin-agg-01
    b_interface: GE0/0/1
    bandwidth: 2x10G
    group: city-hubin
    ipv4: 10.4.0.1
    ipv6: fd00:4::1
    params: {count: "50"}
  - {name: exit-telecom, level: city, district: 市本级, a_device: sx-exit-01, a_interface: GE0/0/24, bandwidth: 1000000000, isp: 电信}
  - name: bad-bw
    level: town
    district: 湖滨区
    a_device: d
    a_interface: i
    bandwidth: 100MB
  - name: bad-key
    level: town
    district: 湖滨区
    a: {device: d, interface: i}
    bandwidth: 1G
  - name: bad-end
    level: town
    district: 湖滨区
    a_device: d
    b_interface: x
    bandwidth: 1G
  - name: bad-addr
    level: province
    district: 湖滨区
    a_device: d
    a_interface: i
    bandwidth: 1G
    ipv4: fd00::1
    ipv6: 10.0.0.1
    labels: {group: x, link: y}
  - name: no bw
    district: 湖滨区
    a_device: d
    a_interface: i
`

func TestLinksYAML(t *testing.T) {
	path := writeFile(t, "links.yaml", linksYAML)
	ts, ps := Load(context.Background(), Config{Files: []string{path}}, wanKinds)
	assert.Equal(t, []string{"link/city-hubin-1", "netprobe/city-hubin-1", "link/exit-telecom"}, keys(ts))
	assert.Equal(t, "20000000000", ts[0].Params["bandwidth_bps"])
	assert.Equal(t, "county", ts[0].Level)
	assert.Equal(t, "湖滨区", ts[0].District)
	assert.Equal(t, path+":2", ts[0].Source)
	assert.Equal(t, "电信", ts[2].Params["isp"])
	assert.Equal(t, map[string]string{"probe": "icmp", "ipv4": "10.4.0.1", "ipv6": "fd00:4::1", "count": "50"}, ts[1].Params, "params go to the probe")
	assert.Equal(t, []string{
		path + `:20: bandwidth "100MB": B means bytes; write the rate in bits (e.g. 100M or 100Mbps)`,
		path + `:24: unknown field "a" (valid: name, level, district, a_device, a_interface, b_device, b_interface, bandwidth, group, isp, ipv4, ipv6, labels, params)`,
		path + `:26: a_interface is empty (the ifName as the device reports it)`,
		path + `:26: b_device is empty but b_interface is set (the interface of which device?)`,
		path + `:33: unknown level "province" (city/county/town/village or 市级/县级/乡镇级/村级)`,
		path + `:38: ipv4 "fd00::1" is not an IPv4 address`,
		path + `:39: ipv6 "10.0.0.1" is not an IPv6 address`,
		path + `:40: label "group" is reserved for the series of a link: drop it`,
		path + `:40: label "link" is reserved for the series of a link: drop it`,
		path + `:41: link name "no bw" contains white space`,
		path + `:41: level is empty (city/county/town/village or 市级/县级/乡镇级/村级)`,
		path + `:41: bandwidth is empty: the contracted rate, e.g. 100M, 1G or 2x10G`,
	}, problemStrings(ps))
}

func TestLinksKindsAndDuplicates(t *testing.T) {
	path := writeFile(t, "links.yaml", linksYAML)
	cfg := Config{Links: []Link{{Name: "exit-telecom", Level: "city", District: "市本级", ADevice: "sx-exit-09", AInterface: "GE0/0/1",
		BandwidthBps: 1e9, IPv6: "2001:db8::1"}}, Files: []string{path}}
	ts, ps := Load(context.Background(), cfg, Options{Kinds: []string{"agent", "link"}})
	assert.Equal(t, []string{"link/exit-telecom", "link/city-hubin-1"}, keys(ts), "no netprobe kind: no probe targets, links still load")
	assert.Equal(t, "sx-exit-09", ts[0].Params["a_device"], "inline first: the first of a duplicate wins")
	assert.Contains(t, problemStrings(ps), path+`:14: duplicate link exit-telecom: already defined at inventory.links[0], this one is ignored`)

	ts, _ = Load(context.Background(), Config{Links: cfg.Links}, Options{})
	assert.Equal(t, []string{"link/exit-telecom", "netprobe/exit-telecom"}, keys(ts), "nil kinds: every target of a link")

	ts, ps = Load(context.Background(), Config{Links: []Link{{Name: "x", ADevice: "d", AInterface: "i"}}}, wanKinds)
	assert.Empty(t, ts)
	assert.Equal(t, []string{
		"inventory.links[0]: district is empty",
		"inventory.links[0]: level is empty (city/county/town/village or 市级/县级/乡镇级/村级)",
		"inventory.links[0]: bandwidth is empty: the contracted rate, e.g. 100M, 1G or 2x10G",
	}, problemStrings(ps))
}

func TestLinksExcel(t *testing.T) {
	header := []any{"名称", "层级", "区县", "A端设备", "A端接口", "B端设备", "B端接口", "带宽", "冗余组", "运营商", "IPv4探测地址", "IPv6探测地址(ipv6)", "标签", "备注"}
	path := book(t, LinkSheet, [][]any{
		header,
		{"l-1", "村级", "lushi", "lushi-agg", "GE0/0/3", "cun-01", "GE0/0/1", "100M", "", "", "10.7.3.1", "", "owner=卢氏县"},
		{"l-2", "村级", "卢氏县", "lushi-agg", "GE0/0/4", "", "GE0/0/1", "100M"},
		{"l-3", "村级", "卢氏县", "lushi-agg", "GE0/0/5", "", "", "#REF!"},
		{"l-4", "村级", "卢氏县", "lushi-agg", "GE0/0/6", "", "", "10X"},
		{"l-5", "村级", "卢氏县", "lushi-agg", "GE0/0/7", "", "", "10M", "", "", "", "", "oops"},
	})
	ts, ps := Load(context.Background(), Config{Excel: []ExcelSource{{Path: path}}}, wanKinds)
	assert.Equal(t, []string{"link/l-1", "netprobe/l-1"}, keys(ts))
	assert.Equal(t, path+":链路清单!R2", ts[0].Source)
	assert.Equal(t, "village", ts[0].Level)
	assert.Equal(t, "卢氏县", ts[1].District)
	assert.Equal(t, map[string]string{"owner": "卢氏县", "link": "l-1"}, ts[1].Labels)
	assert.Equal(t, []string{
		path + ":链路清单!F3: b_device is empty but b_interface is set (the interface of which device?)",
		path + ":链路清单!H4: cell error #REF! in column 带宽 (bandwidth)",
		path + `:链路清单!H5: bandwidth "10X": unknown unit "X" (write e.g. 100M, 1G or 2x10G)`,
		path + `:链路清单!M6: labels: "oops" is not key=value (write k=v;k=v)`,
	}, problemStrings(ps))

	path = book(t, LinkSheet, [][]any{{"名称", "区县", "带宽"}})
	_, ps = Load(context.Background(), Config{Excel: []ExcelSource{{Path: path}}}, wanKinds)
	assert.Equal(t, []string{
		path + ":链路清单!1:1: missing required column 层级 (level): nothing loaded from this sheet",
		path + ":链路清单!1:1: missing required column A端设备 (a_device): nothing loaded from this sheet",
		path + ":链路清单!1:1: missing required column A端接口 (a_interface): nothing loaded from this sheet",
	}, problemStrings(ps))
}

func TestTemplateLinks(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteTemplate(&buf, "agent", "link", "netprobe"))
	path := writeFile(t, "t.xlsx", buf.String())
	ts, ps := Load(context.Background(), Config{Excel: []ExcelSource{{Path: path}}}, wanKinds)
	require.Empty(t, ps, problemStrings(ps))
	assert.Equal(t, []string{"agent/vm-hubin-001", "agent/vm-lingbao-007",
		"link/city-hubin-1", "netprobe/city-hubin-1", "link/city-hubin-2", "netprobe/city-hubin-2",
		"link/exit-telecom", "netprobe/exit-telecom", "link/exit-unicom", "netprobe/exit-unicom"}, keys(ts),
		"the example rows of both sheets load as they are")
	ts, ps = Load(context.Background(), Config{Excel: []ExcelSource{{Path: path, Sheet: LinkSheet}}}, wanKinds)
	require.Empty(t, ps, problemStrings(ps))
	assert.Len(t, ts, 8, "sheet 链路清单 named in the config: only the links")
}

func TestLinksHTTP(t *testing.T) {
	url := exportServer(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"links":[
 {"name":"l-1","level":"town","district":"灵宝市","a_device":"lb-agg","a_interface":"GE0/0/1","bandwidth":"100M","ipv4":"10.30.1.1"},
 {"name":"l-2","level":"town","district":"灵宝市","a_device":"lb-agg","a_interface":"GE0/0/2","vlan":3,"bandwidth":100000000},
 {"name":"l-3","level":"town","district":"灵宝市","a_device":"lb-agg","a_interface":"GE0/0/3","bandwidth":"fast"},
 {"name":"l-4","level":"town","district":"灵宝市","a_device":"lb-agg","a_interface":"GE0/0/4","bandwidth":100000000,"ipv6":"x"}
]}`)
	})
	ts, ps := Load(context.Background(), Config{HTTP: []HTTPSource{{URL: url, Timeout: 5 * time.Second}}}, wanKinds)
	assert.Equal(t, []string{"link/l-1", "netprobe/l-1"}, keys(ts))
	assert.Equal(t, url+"#links[0]", ts[0].Source)
	assert.Equal(t, []string{
		url + `: links[1]: json: unknown field "vlan"`,
		url + `: links[2]: bandwidth "fast": not a rate (write e.g. 100M, 1G or 2x10G)`,
		url + `: links[3] ("l-4"): ipv6 "x" is not an IPv6 address`,
	}, problemStrings(ps))
}

func TestLinksCounted(t *testing.T) {
	probs := metrics.GetOrCreateCounter(`swanwatch_inventory_problems_total{source="yaml"}`)
	before := probs.Get()
	path := writeFile(t, "links.yaml", linksYAML)
	_, ps := Load(context.Background(), Config{Files: []string{path}}, wanKinds)
	assert.Equal(t, before+uint64(len(ps)), probs.Get())
	gauge := metrics.GetOrCreateGauge(`swanwatch_inventory_links`, nil)
	assert.Equal(t, 2.0, gauge.Get())
}

func keys(ts []Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Key()
	}
	return out
}

func TestWatcherKeepsLastGoodLinks(t *testing.T) {
	var fail atomic.Bool
	url := exportServer(t, func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		io.WriteString(w, `{"links":[{"name":"l-1","level":"town","district":"灵宝市","a_device":"d","a_interface":"i","bandwidth":"100M","ipv6":"fd00::1"}]}`)
	})
	rec := newRecorder()
	cfg := Config{HTTP: []HTTPSource{{URL: url, Interval: 30 * time.Millisecond, Timeout: 2 * time.Second}}}
	w := NewWatcher(cfg, wanKinds, rec.onChange)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()

	s := rec.wait(t, func(s snapshot) bool { return len(s.targets) == 2 })
	assert.Empty(t, s.probs)
	fail.Store(true)
	s = rec.wait(t, func(s snapshot) bool { return len(s.probs) == 1 })
	assert.Equal(t, []string{"l-1", "l-1"}, s.targets, "a failing source keeps its last good links (link and netprobe targets)")

	cancel()
	require.NoError(t, <-done)
}

// TestExampleLinks: the example inventory's links (estate.yaml and the sheet
// 链路清单 of estate.xlsx) load without a problem and make up one carrier
// exit group of three.
func TestExampleLinks(t *testing.T) {
	cfg := Config{Files: []string{"../../deploy/examples/estate.yaml"}, Excel: []ExcelSource{{Path: exampleWorkbook, Sheet: TemplateSheet}}}
	ts, ps := Load(context.Background(), cfg, wanKinds)
	require.Empty(t, ps, problemStrings(ps))
	exits := 0
	for _, tg := range ts {
		if tg.Kind == KindLink && tg.Params[ParamGroup] == "internet-exit" {
			exits++
			assert.NotEmpty(t, tg.Params[ParamISP], tg.Name)
		}
	}
	assert.Equal(t, 3, exits)
	assert.Len(t, ts, 4+2*8, "4 VMs; 8 links, each with a probe address")
}
