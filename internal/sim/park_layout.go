package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The Swan Lake scenic area (天鹅湖景区, 湖滨区) as the demo shows it: 24
// cameras at eight sites, two recorders, gates, barriers, LED screens,
// parking, WiFi and broadcast, all hanging off three park switches. What is
// where is fixed; which view each camera has, which are faulty and every
// password come from the seed.
const (
	parkSystem   = "天鹅湖景区"
	parkDistrict = "湖滨区"
	parkDept     = "天鹅湖景区管理处"
	parkLevel    = "county"
)

// Park switches: the core in the visitor centre's machine room and two
// access switches, north and south of the lake.
const (
	swCore  = "sw-park-core"
	swNorth = "sw-park-north"
	swSouth = "sw-park-south"
)

// parkSite is one area of the park and its cameras.
type parkSite struct {
	Name   string // what operators read
	Slug   string // in device names
	Scene  string // the clips' scene: lake, plaza or path
	Cams   int
	Switch string
}

var parkSites = []parkSite{
	{"北门广场", "north", "plaza", 4, swNorth},
	{"游客中心", "visitor", "plaza", 3, swNorth},
	{"西停车场", "lotwest", "path", 2, swNorth},
	{"东停车场", "loteast", "path", 2, swNorth},
	{"观鸟台", "birdwatch", "lake", 4, swSouth},
	{"湖心岛", "island", "lake", 3, swSouth},
	{"环湖步道", "lakeside", "path", 4, swSouth},
	{"南门", "south", "plaza", 2, swSouth},
}

// parkFaultClips are the cameras with a picture fault from the start: the
// fault clip and the clean view it is a fault of.
var parkFaultClips = []struct{ clip, view string }{
	{"lake-day-2-black", "lake-2"},
	{"plaza-day-1-cast", "plaza-1"},
	{"plaza-day-2-frozen", "plaza-2"},
	{"path-day-1-occluded", "path-1"},
	{"path-day-2-blur", "path-2"},
}

// demoView is the demo camera's view, the one with a moved clip.
const (
	demoView    = "lake-1"
	demoSite    = "观鸟台"
	movedSuffix = "-moved"
)

// parkCamera is one camera of the layout.
type parkCamera struct {
	Name, Site, Switch string
	Scene              string
	View               string // scene-seed, e.g. lake-1: day clip lake-day-1, night clip lake-night-1
	FaultClip          string // a clip shown instead of the view, "" when clean
	Stalls             bool   // its stream stalls on a timetable (parkStall*)
	Channel            string // its recorder channel: 101… on the Hikvision NVR, 1… on the Dahua
	NVR                int    // index into the recorders
	Port               int    // ifIndex on its switch
	Auth               string // basic or digest (RTSP); snapshots are always digest
	Password           string
	NightShift         float64 // seconds its infrared switch is off the nominal dusk and dawn
}

// layoutCameras places the cameras: views by seed, the five fault clips on
// cameras of their scene, the demo camera first at 观鸟台 with demoView,
// and one stalling camera among the clean ones.
func layoutCameras(seed int64) []*parkCamera {
	g := rand.New(rand.NewPCG(uint64(seed), 0x5041_524b)) // "PARK"
	var cams []*parkCamera
	ports := map[string]int{}
	for _, s := range parkSites {
		for i := 1; i <= s.Cams; i++ {
			ports[s.Switch]++
			c := &parkCamera{Name: fmt.Sprintf("cam-%s-%02d", s.Slug, i), Site: s.Name, Switch: s.Switch, Scene: s.Scene,
				View: fmt.Sprintf("%s-%d", s.Scene, 1+g.IntN(2)), Port: ports[s.Switch], Auth: "digest",
				Password: parkPassword(g), NightShift: float64(g.IntN(1200) - 600)}
			if g.IntN(8) == 0 {
				c.Auth = "basic" // an older model
			}
			if s.Name == demoSite && i == 1 {
				c.View = demoView
			}
			cams = append(cams, c)
		}
	}
	demo := cams[demoIndex(cams)]
	taken := map[*parkCamera]bool{demo: true}
	for _, f := range parkFaultClips {
		scene, _, _ := strings.Cut(f.view, "-")
		c := pickCamera(g, cams, taken, func(c *parkCamera) bool { return c.Scene == scene })
		c.View, c.FaultClip = f.view, f.clip
	}
	pickCamera(g, cams, taken, func(*parkCamera) bool { return true }).Stalls = true
	for i, c := range cams {
		c.NVR, c.Channel = i/12, fmt.Sprint(i%12+1)
		if c.NVR == 0 {
			c.Channel += "01" // Hikvision tracks: 101, 201, …, 1201
		}
	}
	return cams
}

func demoIndex(cams []*parkCamera) int {
	for i, c := range cams {
		if c.Site == demoSite {
			return i
		}
	}
	return 0
}

// pickCamera draws one camera not taken that ok accepts and marks it taken.
func pickCamera(g *rand.Rand, cams []*parkCamera, taken map[*parkCamera]bool, ok func(*parkCamera) bool) *parkCamera {
	var from []*parkCamera
	for _, c := range cams {
		if !taken[c] && ok(c) {
			from = append(from, c)
		}
	}
	c := from[g.IntN(len(from))]
	taken[c] = true
	return c
}

// parkPassword is a device password as an installer sets them: a word, digits
// and a sign. Only ever written to the secrets directory.
func parkPassword(g *rand.Rand) string {
	words := []string{"Swan", "Lake", "Park", "Tiane", "Hubin"}
	return fmt.Sprintf("%s%04d#%c", words[g.IntN(len(words))], g.IntN(10000), 'a'+rune(g.IntN(26)))
}

// parkGate is a pedestrian gate (人行闸机) at an entrance, with its share of
// the park's visitors: Hikvision access-control turnstiles at the north gate
// (ISAPI), turnstile main boards behind a Modbus TCP gateway at the south.
type parkGate struct {
	Name, Site, Switch string
	Share              float64
	Kind               string // hikvision or modbus
	Label              string // the gate label operators read
}

var parkGates = []parkGate{
	{"gate-north-1", "北门广场", swNorth, 0.24, "hikvision", "北门1号闸机"},
	{"gate-north-2", "北门广场", swNorth, 0.22, "hikvision", "北门2号闸机"},
	{"gate-north-3", "北门广场", swNorth, 0.14, "hikvision", "北门3号闸机"},
	{"gate-south-1", "南门", swSouth, 0.22, "modbus", "南门1号闸机"},
	{"gate-south-2", "南门", swSouth, 0.18, "modbus", "南门2号闸机"},
}

// demoGate is the gate the story jams at closing time: a south gate, whose
// board reports a fault state and code.
const demoGate = "gate-south-1"

// parkLot is a car park with its barrier (道闸, a Hikvision entrance camera's)
// and two Vzenith plate cameras, at its entrance and exit.
type parkLot struct {
	Name, Site, Switch string
	Capacity           int
	Share              float64 // of the cars that come
	Base               int     // cars parked overnight (staff, hotel)
	Label, Code        string  // the lot's name and parkSyscode in the parking system
}

var parkLots = []parkLot{
	{"lot-east", "东停车场", swNorth, 420, 0.5, 14, "东停车场", "P0001"},
	{"lot-west", "西停车场", swNorth, 300, 0.35, 9, "西停车场", "P0002"},
	{"lot-south", "南门", swSouth, 120, 0.15, 4, "南门停车场", "P0003"},
}

// parkLED is an outdoor LED screen: Xixun cards (one realtime server) or
// Novastar COEX processors.
type parkLED struct {
	Name, Site, Switch string
	Watts              float64 // at full brightness
	Program            string
	Kind               string // xixun or coex
}

var parkLEDs = []parkLED{
	{"led-north-gate", "北门广场", swNorth, 4200, "欢迎光临三门峡天鹅湖国家城市湿地公园", "coex"},
	{"led-visitor", "游客中心", swNorth, 2600, "今日客流与停车信息", "xixun"},
	{"led-lot-east", "东停车场", swNorth, 900, "停车场空余车位", "xixun"},
	{"led-birdwatch", "观鸟台", swSouth, 1800, "文明观鸟 请勿投喂", "xixun"},
	{"led-south-gate", "南门", swSouth, 3000, "安全游园 文明旅游", "coex"},
}

// parkZone is a WiFi and broadcast zone.
type parkZone struct {
	Name, Slug, Switch string
	APs                int
	Share              float64 // of the visitors inside who are here
}

var parkZones = []parkZone{
	{"北门广场", "north", swNorth, 3, 0.22},
	{"游客中心", "visitor", swNorth, 2, 0.16},
	{"观鸟台", "birdwatch", swSouth, 2, 0.2},
	{"湖心岛", "island", swSouth, 2, 0.14},
	{"环湖步道", "lakeside", swSouth, 2, 0.2},
	{"南门", "south", swSouth, 1, 0.08},
}

// parkBroadcast are the public-address zones (广播分区): one SIP terminal each.
var parkBroadcast = []struct{ Name, Site, Switch string }{
	{"pa-north", "北门广场", swNorth},
	{"pa-lakeside", "环湖步道", swSouth},
	{"pa-island", "湖心岛", swSouth},
	{"pa-south", "南门", swSouth},
}
