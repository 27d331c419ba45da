package sim

// district is one of the ten service areas of requirements.md.
type district struct {
	Name   string
	Slug   string  // in VM names of county systems
	Weight float64 // share of the estate's VMs
	// Flaky multiplies the agent-offline rate: mountain counties on long WAN
	// links lose their agents more often than the city's own data centre.
	Flaky float64
	// Room is the district's own machine room, "" when its county systems are
	// hosted in the city's government cloud only.
	Room string
	// Zone marks the development zones, whose departments are a 管委会.
	Zone bool
}

var districts = []district{
	{Name: "市本级", Slug: "", Weight: 0.55, Flaky: 0.6},
	{Name: "湖滨区", Slug: "hb", Weight: 0.08, Flaky: 1.0},
	{Name: "陕州区", Slug: "sz", Weight: 0.06, Flaky: 1.2, Room: "陕州区政务机房"},
	{Name: "灵宝市", Slug: "lb", Weight: 0.07, Flaky: 1.4, Room: "灵宝市政务机房"},
	{Name: "义马市", Slug: "ym", Weight: 0.04, Flaky: 1.2, Room: "义马市政务机房"},
	{Name: "渑池县", Slug: "mc", Weight: 0.04, Flaky: 1.8, Room: "渑池县政务机房"},
	{Name: "卢氏县", Slug: "ls", Weight: 0.04, Flaky: 2.5, Room: "卢氏县政务机房"},
	{Name: "经济开发区", Slug: "jkq", Weight: 0.04, Flaky: 1.0, Zone: true},
	{Name: "城乡一体化示范区", Slug: "sfq", Weight: 0.04, Flaky: 1.0, Zone: true},
	{Name: "现代服务业开发区", Slug: "xfq", Weight: 0.04, Flaky: 1.0, Zone: true},
}

// The city's government cloud: a main data centre and a disaster-recovery one.
const (
	siteMain = "政务云主中心"
	siteDR   = "政务云灾备中心"
)

// system is a business system of a department, deployed on a set of VMs.
type system struct {
	Name   string
	Code   string // in VM names
	Dept   string // the city department that owns it
	County bool   // counties run their own deployment too
	Size   int    // index into templates
	Weight float64
}

// templates are the VM roles of a small, medium and large deployment.
var templates = [][]string{
	{"app", "app", "db"},
	{"web", "web", "app", "app", "app", "db", "db", "cache"},
	{"web", "web", "web", "app", "app", "app", "app", "app", "app", "db", "db", "cache", "cache", "mq", "mq"},
	{"etl", "etl", "etl", "etl", "app", "app", "db", "db", "mq"},
}

const (
	bureau = "市行政审批和政务信息管理局"
	govOff = "市人民政府办公室"
	hrss   = "市人力资源和社会保障局"
	samr   = "市市场监督管理局"
	emerg  = "市应急管理局"
	health = "市卫生健康委员会"
	housng = "市住房和城乡建设局"
	financ = "市财政局"
)

var systems = []system{
	{"不动产登记系统", "bdc", "市自然资源和规划局", true, 1, 3},
	{"公积金管理系统", "gjj", "市住房公积金中心", false, 1, 2},
	{"医保结算系统", "ybjs", "市医疗保障局", true, 2, 3},
	{"政务服务网", "zwfw", bureau, true, 2, 3},
	{"一网通办平台", "ywtb", bureau, true, 2, 3},
	{"视频会议系统", "sphy", bureau, false, 0, 1},
	{"12345热线", "rx12345", "市12345政务服务便民热线中心", false, 1, 2},
	{"数据共享交换平台", "sjjh", bureau, false, 3, 2},
	{"电子证照库", "dzzz", bureau, false, 1, 2},
	{"统一身份认证平台", "tysf", bureau, false, 1, 2},
	{"政务邮件系统", "mail", bureau, false, 0, 1},
	{"门户网站群", "mhwz", govOff, true, 1, 2},
	{"协同办公OA系统", "oa", govOff, true, 1, 3},
	{"公文交换系统", "gwjh", govOff, true, 0, 2},
	{"社会保障卡系统", "sbk", hrss, false, 1, 2},
	{"社保经办系统", "sbjb", hrss, true, 2, 3},
	{"就业创业服务平台", "jycy", hrss, false, 0, 1},
	{"财政一体化系统", "czyth", financ, true, 2, 3},
	{"非税收入管理系统", "fssr", financ, false, 0, 1},
	{"公共资源交易平台", "ggzy", "市公共资源交易中心", false, 1, 2},
	{"市场主体登记系统", "sczt", samr, false, 1, 2},
	{"食品安全监管平台", "spaq", samr, true, 0, 1},
	{"智慧交通平台", "zhjt", "市交通运输局", false, 1, 2},
	{"环境监测平台", "hjjc", "市生态环境局", true, 0, 2},
	{"智慧水务系统", "zhsw", "市水利局", false, 0, 1},
	{"应急指挥平台", "yjzh", emerg, true, 1, 2},
	{"安全生产监管系统", "aqsc", emerg, true, 0, 1},
	{"网格化社会治理平台", "wgh", "市委政法委", true, 1, 2},
	{"智慧城管平台", "zhcg", "市城市管理局", true, 1, 2},
	{"住房保障管理系统", "zfbz", housng, false, 0, 1},
	{"建筑市场监管平台", "jzsc", housng, false, 0, 1},
	{"教育云平台", "jyy", "市教育局", true, 2, 2},
	{"全民健康信息平台", "qmjk", health, true, 1, 2},
	{"预约挂号平台", "yygh", health, false, 0, 1},
	{"民政综合业务系统", "mzyw", "市民政局", true, 0, 2},
	{"退役军人服务系统", "tyjr", "市退役军人事务局", true, 0, 1},
	{"农业农村综合平台", "nync", "市农业农村局", true, 0, 2},
	{"文旅服务平台", "wlfw", "市文化广电和旅游局", false, 1, 1},
	{"天鹅湖景区票务系统", "tehpw", "市文化广电和旅游局", false, 0, 1},
	{"统计数据采集系统", "tjcj", "市统计局", true, 0, 1},
	{"档案数字化系统", "dasz", "市档案馆", false, 0, 1},
	{"信用三门峡平台", "xysmx", "市发展和改革委员会", false, 0, 1},
}

// countyDept names the county counterpart of a city department: 灵宝市 + 民政局.
func countyDept(d district, cityDept string) string {
	if d.Zone {
		return d.Name + "管理委员会"
	}
	const city = "市"
	if len(cityDept) > len(city) && cityDept[:len(city)] == city {
		cityDept = cityDept[len(city):]
	}
	return d.Name + cityDept
}

// unameRelease is a kernel a government-cloud VM believably runs: CentOS 7 still,
// and the domestic (信创) Kylin and openEuler on x86 and Kunpeng ARM.
type unameRelease struct {
	Release, Machine, Version string
}

var releases = []unameRelease{
	{"3.10.0-1160.el7.x86_64", "x86_64", "#1 SMP Mon Oct 19 16:18:59 UTC 2020"},
	{"3.10.0-1160.92.1.el7.x86_64", "x86_64", "#1 SMP Tue Jun 20 11:48:01 UTC 2023"},
	{"4.18.0-348.7.1.el8_5.x86_64", "x86_64", "#1 SMP Wed Dec 22 13:25:12 UTC 2021"},
	{"4.19.90-52.22.v2207.ky10.x86_64", "x86_64", "#1 SMP Tue Mar 14 12:19:10 CST 2023"},
	{"4.19.90-24.4.v2101.ky10.aarch64", "aarch64", "#1 SMP Mon May 24 14:45:37 CST 2021"},
	{"5.10.0-136.12.0.86.oe2203sp1.x86_64", "x86_64", "#1 SMP Tue Dec 27 17:50:15 CST 2022"},
	{"5.10.0-182.0.0.95.oe2203sp3.aarch64", "aarch64", "#1 SMP Sat Dec 30 13:16:24 CST 2023"},
}
