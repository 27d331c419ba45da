package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Who sends logs: the border firewalls (one per vendor the city buys: the
// data centre's Huawei USG, a county's H3C SecPath, Swan Lake's
// Hillstone), the WAN's Huawei core pair and one H3C district aggregation
// switch (their own SNMP addresses, so the WAN must run with per-device
// addresses), and four Linux servers. Firewalls and servers have their own
// loopback addresses, 127.34.0.x and 127.34.1.x (the WAN's agents are on
// 127.32/16, the BMCs on 127.33/16).

const (
	kindFirewall = "firewall"
	kindSwitch   = "switch"
	kindServer   = "server"
)

// Schedules of the switches and servers, each device at its own offset:
// the configuration backup's account logs in to every switch every 10
// minutes; an administrator changes a switch's configuration every 2
// hours; an operator logs in to a server through the bastion every 15
// minutes and uses sudo; someone mistypes a password once an hour; the
// internet-facing SFTP server sees a stray guess every 20 minutes.
const (
	backupEvery  = 10 * time.Minute
	changeEvery  = 2 * time.Hour
	opsEvery     = 15 * time.Minute
	typoEvery    = time.Hour
	strayEvery   = 20 * time.Minute
	maxStepLines = 2000 // per device and tick: a fault's backlog drains over ticks
)

// logDevice is one sender.
type logDevice struct {
	name, kind, vendor, role                    string
	district, level, site, system, dept, parent string
	ip, hostname                                string
	tcp, rfc5424                                bool
	idx                                         int
	rate                                        float64 // background lines/s (firewalls)
	fw                                          *firewall
	sshd                                        net.Listener

	// the senders' loop only
	rng      *rand.Rand
	acc      float64
	last     time.Time
	seq      int
	udp      *net.UDPConn
	conn     net.Conn
	connTo   string
	redialAt time.Time

	mu      sync.Mutex
	pending []logLine // faults' and sessions' lines, by time
	silent  atomic.Bool
}

// logIP is sender i's own address in block b (0 firewalls, 1 servers).
func logIP(b, i int) string { return fmt.Sprintf("127.34.%d.%d", b, i+1) }

// layoutLogDevices places the senders.
func layoutLogDevices(rate float64, wan *wanServer, park bool) []*logDevice {
	has := func(name string) string {
		if wan != nil && wan.net.byName[name] != nil {
			return name
		}
		return ""
	}
	parkParent := ""
	if park {
		parkParent = swCore
	}
	lb := districts[3] // 灵宝市, a county with its own machine room
	devs := []*logDevice{
		{name: "smx-fw-01", kind: kindFirewall, vendor: "huawei-usg", district: districts[0].Name, level: "city",
			site: siteMain, system: wanSystem, dept: wanDept, parent: has("smx-core-01"), fw: newFirewall(fwSpecs[0])},
		{name: lb.Slug + "-fw-01", kind: kindFirewall, vendor: "h3c-secpath", district: lb.Name, level: "county",
			site: lb.Room, system: wanSystem, dept: wanDept, parent: has(lb.Slug + "-agg-01"), fw: newFirewall(fwSpecs[1])},
		{name: "fw-park-border", kind: kindFirewall, vendor: "hillstone", district: parkDistrict, level: parkLevel,
			site: parkNVRSite, system: parkSystem, dept: parkDept, parent: parkParent, fw: newFirewall(fwSpecs[2]), tcp: true},
	}
	for i, d := range devs {
		d.ip, d.hostname, d.rate, d.role = logIP(0, i), d.name, rate, kindFirewall
	}
	devs[2].hostname = fwSpecs[2].serial + "(root)" // StoneOS puts its serial and vsys there
	devs = append(devs, wanSwitches(wan)...)
	servers := []*logDevice{
		{name: "bastion-smx-01", role: "bastion", district: districts[0].Name, level: "city", site: siteMain,
			system: "运维管理平台", dept: bureau, tcp: true},
		{name: "bastion-smx-02", role: "bastion", district: districts[0].Name, level: "city", site: siteDR,
			system: "运维管理平台", dept: bureau, tcp: true},
		{name: "sftp-sjjh-01", role: "sftp", district: districts[0].Name, level: "city", site: siteMain,
			system: "数据共享交换平台", dept: bureau, tcp: true},
		{name: "ticket-park-01", role: "app", district: parkDistrict, level: parkLevel, site: parkNVRSite,
			system: parkSystem, dept: parkDept, parent: parkParent},
	}
	for i, d := range servers {
		d.kind, d.vendor, d.ip, d.hostname, d.rfc5424 = kindServer, "linux", logIP(1, i), d.name, true
	}
	devs = append(devs, servers...)
	for i, d := range devs {
		d.idx = i
	}
	return devs
}

// wanSwitches are the WAN's Huawei core pair and its first H3C district
// aggregation switch, sending from their agents' addresses; none when the
// WAN is off or shares one address (the receiver could not tell them
// apart).
func wanSwitches(wan *wanServer) []*logDevice {
	if wan == nil || wan.host != "" {
		return nil
	}
	var out []*logDevice
	add := func(d *wanDevice) {
		out = append(out, &logDevice{name: d.Name, kind: kindSwitch, vendor: d.vendor.Name, role: d.Role,
			district: d.District, level: d.Level, site: d.Site, ip: deviceIP(d.idx), hostname: d.Name})
	}
	h3cAgg := false
	for _, d := range wan.net.devs {
		switch {
		case d.Role == roleCore && d.vendor == huawei:
			add(d)
		case d.Role == roleAgg && d.vendor == h3c && !h3cAgg:
			add(d)
			h3cAgg = true
		}
	}
	return out
}

// listen binds the device's sockets from its own address.
func (d *logDevice) listen(start time.Time) error {
	c, ip, err := bindLocal(d.ip)
	if err != nil {
		return err
	}
	d.udp, d.ip, d.last = c, ip, start
	if d.fw != nil {
		d.fw.boot = float64(start.Unix()) - 86400*float64(60+d.idx*17)
		if err := d.fw.ep.listen(ip, "firewall snmp "+d.name); err != nil {
			return err
		}
	}
	if d.kind == kindServer {
		if d.sshd, err = net.Listen("tcp", net.JoinHostPort(ip, "0")); err != nil {
			return fmt.Errorf("server %s sshd: %w", d.name, err)
		}
	}
	return nil
}

func (d *logDevice) sshdAddr() string {
	if d.sshd == nil {
		return net.JoinHostPort(d.ip, "22")
	}
	return d.sshd.Addr().String()
}

// close releases the device's sockets.
func (d *logDevice) close() {
	if d.udp != nil {
		_ = d.udp.Close()
	}
	if d.conn != nil {
		_ = d.conn.Close()
		d.conn = nil
	}
	if d.fw != nil {
		d.fw.ep.close()
	}
	if d.sshd != nil {
		_ = d.sshd.Close()
	}
}

// schedule queues lines (a fault's) to go at their times.
func (d *logDevice) schedule(lines []logLine) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.pending)+len(lines) > maxPending {
		return fmt.Errorf("%s has %d lines queued already", d.name, len(d.pending))
	}
	d.pending = append(d.pending, lines...)
	sort.SliceStable(d.pending, func(a, b int) bool { return d.pending[a].at.Before(d.pending[b].at) })
	return nil
}

// due takes the queued lines whose time has come, at most maxStepLines.
func (d *logDevice) due(now time.Time) []logLine {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for n < len(d.pending) && n < maxStepLines && !d.pending[n].at.After(now) {
		n++
	}
	out := append([]logLine(nil), d.pending[:n]...)
	d.pending = append(d.pending[:0], d.pending[n:]...)
	return out
}

// step sends what is due at now: queued lines, then the background.
func (d *logDevice) step(now time.Time, t *logTarget) {
	lines := d.due(now)
	switch d.kind {
	case kindFirewall:
		lines = d.fwBackground(lines, now)
	case kindSwitch:
		d.switchSchedule(now)
	case kindServer:
		d.serverSchedule(now)
	}
	d.last = now
	for _, l := range lines {
		if d.silent.Load() {
			logLostSilent.Inc()
			continue
		}
		d.send(l, t, now)
	}
}

// fwBackground adds the lines the firewall's traffic makes since the last
// step; a stalled loop does not make up more than a second of it.
func (d *logDevice) fwBackground(lines []logLine, now time.Time) []logLine {
	d.acc += d.rate * math.Min(1, math.Max(0, now.Sub(d.last).Seconds()))
	for ; d.acc >= 1; d.acc-- {
		lines = append(lines, d.fwLine(now))
	}
	return lines
}

// crossed reports whether a period's slot (shifted by offset) began in
// (prev, now].
func crossed(prev, now time.Time, period, offset time.Duration) bool {
	slot := func(t time.Time) int64 {
		return int64(math.Floor(float64(t.UnixNano()-int64(offset)) / float64(period)))
	}
	return slot(now) > slot(prev)
}

// offset staggers device i's schedules.
func (d *logDevice) offset(period time.Duration) time.Duration {
	return time.Duration(hash3(uint64(d.idx), uint64(period), 0x6f6666) % uint64(period))
}

// switchSchedule queues the backup account's logins and an
// administrator's configuration sessions.
func (d *logDevice) switchSchedule(now time.Time) {
	var lines []logLine
	if crossed(d.last, now, backupEvery, d.offset(backupEvery)) {
		lines = append(lines, d.switchLogin(now, "netbackup", "10.1.0.25"))
	}
	if crossed(d.last, now, changeEvery, d.offset(changeEvery)) {
		lines = append(lines, d.switchLogin(now, "netadmin", "10.1.0.5"))
		for i, cmd := range d.changeCommands() {
			lines = append(lines, d.switchCommand(now.Add(time.Duration(i+1)*20*time.Second), "netadmin", "10.1.0.5", cmd))
		}
	}
	if len(lines) > 0 {
		_ = d.schedule(lines) // a few lines: the bound is for faults
	}
}

// serverSchedule queues the operators' sessions and the stray failures.
func (d *logDevice) serverSchedule(now time.Time) {
	var lines []logLine
	if crossed(d.last, now, opsEvery, d.offset(opsEvery)) {
		user := opsUsers[d.rng.IntN(len(opsUsers))]
		lines = append(lines, d.sshAccepted(now, user, d.bastionClient()),
			d.sudo(now.Add(30*time.Second), user, sudoCommands[d.rng.IntN(len(sudoCommands))]))
	}
	if crossed(d.last, now, typoEvery, d.offset(typoEvery)) {
		user, from := opsUsers[d.rng.IntN(len(opsUsers))], d.bastionClient()
		lines = append(lines, d.sshFailed(now, user, from, false), d.sshAccepted(now.Add(8*time.Second), user, from))
	}
	if d.role == "sftp" && crossed(d.last, now, strayEvery, d.offset(strayEvery)) {
		lines = append(lines, d.sshInvalid(now, strayUsers[d.rng.IntN(len(strayUsers))], d.scanner()))
	}
	if len(lines) > 0 {
		_ = d.schedule(lines)
	}
}
