package logstore

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"
)

// Realistic syslog events for sizing (docs/logs-sizing.md): a border firewall's
// session lines as a Huawei USG sends them, with the labels the syslog receiver
// gives them (docs/logs.md: the flow is in labels, so nearly every line has its
// own label set), and server lines (sshd, cron, systemd, sudo) with a handful of
// labels. The anchor is the same lines as rsyslog writes them to a file (RFC 3164
// header + message + newline), raw and gzip -6 as logrotate compresses them.

type estate struct {
	rng *rand.Rand
}

func newEstate() *estate { return &estate{rng: rand.New(rand.NewPCG(13, 180))} }

func (e *estate) ip(prefix string, n int) string {
	v := e.rng.IntN(n)
	return fmt.Sprintf("%s.%d.%d", prefix, v/250, v%250+1)
}

var dstPorts = []string{"443", "443", "443", "80", "80", "53", "8080", "22", "3389", "1433", "123"}

// firewallEvent is one USG session-teardown line, permit or deny.
func (e *estate) firewallEvent(ts time.Time) Event {
	fw := e.rng.IntN(20)
	src, dst := e.ip("10.12", 5000), e.ip("61.135", 2000)
	sport, dport := fmt.Sprint(1024+e.rng.IntN(64000)), dstPorts[e.rng.IntN(len(dstPorts))]
	nport := fmt.Sprint(1024 + e.rng.IntN(64000))
	proto := []string{"tcp", "tcp", "tcp", "udp"}[e.rng.IntN(4)]
	action, class, policy := "permit", "fw_session", "out-web"
	if e.rng.IntN(10) == 0 {
		action, class, policy = "deny", "fw_deny", "deny-all"
	}
	text := fmt.Sprintf("%%%%01SECLOG/6/SESSION_TEARDOWN(l):IPVer=4,Protocol=%s,SourceIP=%s,DestinationIP=%s,SourcePort=%s,DestinationPort=%s,"+
		"SourceNatIP=222.88.1.%d,SourceNatPort=%s,BeginTime=%d,EndTime=%d,SendPkts=%d,SendBytes=%d,RcvPkts=%d,RcvBytes=%d,"+
		"SourceVpnID=0,DestinationVpnID=0,SourceZone=trust,DestinationZone=untrust,PolicyName=%s,CloseReason=%s.",
		proto, src, dst, sport, dport, 10+fw%4, nport, ts.Unix()-int64(e.rng.IntN(600)), ts.Unix(),
		1+e.rng.IntN(200), 60+e.rng.IntN(200000), e.rng.IntN(200), e.rng.IntN(900000), policy, []string{"tcp-fin", "aged-out", "tcp-rst"}[e.rng.IntN(3)])
	return Event{Time: ts, Text: text, Labels: map[string]string{
		"source": "syslog", "instance": fmt.Sprintf("fw-%02d", fw), "district": benchDistricts[fw%10], "kind": "firewall",
		"facility": "local6", "severity": "info", "vendor": "huawei", "class": class, "action": action,
		"src_ip": src, "src_port": sport, "dst_ip": dst, "dst_port": dport, "proto": proto,
	}}
}

// serverEvent is one Linux server line.
func (e *estate) serverEvent(ts time.Time) Event {
	host := e.rng.IntN(3000)
	lines := []struct{ app, fac, sev, class, text string }{
		{"sshd", "authpriv", "info", "login_ok", fmt.Sprintf("Accepted publickey for ops from %s port %d ssh2: ED25519 SHA256:Zk3u9Xq2", e.ip("10.20", 200), 1024+e.rng.IntN(60000))},
		{"sshd", "authpriv", "info", "login_fail", fmt.Sprintf("Failed password for invalid user admin from %s port %d ssh2", e.ip("61.160", 9000), 1024+e.rng.IntN(60000))},
		{"CRON", "cron", "info", "", fmt.Sprintf("pam_unix(cron:session): session opened for user root(uid=0) by (uid=0) [job %d]", e.rng.IntN(99999))},
		{"systemd", "daemon", "info", "", "Started Session " + fmt.Sprint(e.rng.IntN(90000)) + " of User ops."},
		{"sudo", "authpriv", "notice", "sudo", "ops : TTY=pts/0 ; PWD=/home/ops ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx"},
		{"kernel", "kern", "warning", "", fmt.Sprintf("nf_conntrack: table full, dropping packet (%d)", e.rng.IntN(100))},
	}
	l := lines[e.rng.IntN(len(lines))]
	labels := map[string]string{"source": "syslog", "instance": fmt.Sprintf("vm-%04d", host), "district": benchDistricts[host%10],
		"kind": "server", "facility": l.fac, "severity": l.sev, "app": l.app, "vendor": "linux"}
	if l.class != "" {
		labels["class"] = l.class
	}
	return Event{Time: ts, Text: l.text, Labels: labels}
}

// rsyslogLine is the anchor: the line as rsyslog's default file template writes it.
func rsyslogLine(e Event) string {
	return fmt.Sprintf("%s %s %s: %s\n", e.Time.Format(time.Stamp), e.Labels["instance"], e.Labels["app"], e.Text)
}

// BenchmarkDiskPerEvent stores one day of events, compresses it, and reports bytes
// on disk per event: live (events.log + streams.log), compressed (day.swz), and the
// anchor (rsyslog's file, raw and gzip -6) for the same lines.
//
//	go test -run '^$' -bench DiskPerEvent -benchtime 1x ./internal/logstore/
func BenchmarkDiskPerEvent(b *testing.B) {
	for _, mix := range []struct {
		name string
		gen  func(*estate, time.Time) Event
	}{{"firewall", (*estate).firewallEvent}, {"server", (*estate).serverEvent}} {
		b.Run(mix.name, func(b *testing.B) {
			const n = 200_000
			day := at("2026-11-26 00:00:00.000")
			now := at("2026-11-27 14:00:00.000")
			for b.Loop() {
				dir := b.TempDir()
				s := openTest(b, dir, func() time.Time { return now }, nil)
				e := newEstate()
				var anchor bytes.Buffer
				batch := make([]Event, 0, 1000)
				for i := range n {
					ev := mix.gen(e, day.Add(time.Duration(i)*(24*time.Hour/n)))
					anchor.WriteString(rsyslogLine(ev))
					if batch = append(batch, ev); len(batch) == cap(batch) {
						if err := s.Append(context.Background(), batch...); err != nil {
							b.Fatal(err)
						}
						batch = batch[:0]
					}
				}
				live := dirBytes(filepath.Join(dir, "2026-11-26"))
				if err := compactDir(filepath.Join(dir, "2026-11-26"), filepath.Join(dir, "z")); err != nil {
					b.Fatal(err)
				}
				var gz bytes.Buffer
				w, _ := gzip.NewWriterLevel(&gz, 6)
				_, _ = w.Write(anchor.Bytes())
				_ = w.Close()
				b.ReportMetric(float64(live)/n, "live-B/event")
				b.ReportMetric(float64(dirBytes(filepath.Join(dir, "z")))/n, "swz-B/event")
				if z, err := openSWZ(filepath.Join(dir, "z", swzName)); err == nil {
					var sb, eb int64
					for _, x := range z.ix.streams {
						sb += x.clen
					}
					for _, x := range z.ix.events {
						eb += x.clen
					}
					z.close()
					b.ReportMetric(float64(sb)/n, "swz-labels-B/event")
					b.ReportMetric(float64(eb)/n, "swz-text-B/event")
				}
				b.ReportMetric(float64(anchor.Len())/n, "rsyslog-B/event")
				b.ReportMetric(float64(gz.Len())/n, "rsyslog-gz-B/event")
			}
		})
	}
}

// BenchmarkAppendSyslog is ingest on realistic events in batches of 1000 (the
// syslog receiver's batch), one fsync per file per batch. Run with -cpu 1 for
// events/s on one core.
func BenchmarkAppendSyslog(b *testing.B) {
	for _, mix := range []struct {
		name string
		gen  func(*estate, time.Time) Event
	}{{"firewall", (*estate).firewallEvent}, {"server", (*estate).serverEvent}} {
		b.Run(mix.name, func(b *testing.B) {
			now := at("2026-11-27 14:05:09.000")
			s := openTest(b, b.TempDir(), func() time.Time { return now }, nil)
			e := newEstate()
			evs := make([]Event, 1000)
			n := 0
			for b.Loop() {
				for j := range evs {
					evs[j] = mix.gen(e, now.Add(-time.Duration(len(evs)-j)*time.Millisecond))
				}
				if err := s.Append(context.Background(), evs...); err != nil {
					b.Fatal(err)
				}
				n += len(evs)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkSearchCompressedDay searches one compressed day of 200,000 firewall
// events (the newest page, one device, text, one hour) against the same day live.
func BenchmarkSearchCompressedDay(b *testing.B) {
	const n = 200_000
	day := at("2026-11-26 00:00:00.000")
	now := at("2026-11-27 14:00:00.000")
	dir := b.TempDir()
	s := openTest(b, dir, func() time.Time { return now }, nil)
	e := newEstate()
	batch := make([]Event, 0, 1000)
	for i := range n {
		if batch = append(batch, e.firewallEvent(day.Add(time.Duration(i)*(24*time.Hour/n)))); len(batch) == cap(batch) {
			if err := s.Append(context.Background(), batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	queries := []struct {
		name string
		q    Query
	}{
		{"newest 200", Query{Limit: 200}},
		{"one device", Query{Labels: map[string][]string{"instance": {"fw-07"}}, Limit: 200}},
		{"deny + text", Query{Labels: map[string][]string{"class": {"fw_deny"}}, Text: "destinationport=3389", Limit: 200}},
		{"one hour", Query{Start: day.Add(9 * time.Hour), End: day.Add(10 * time.Hour), Limit: 200}},
		{"text nowhere (full scan)", Query{Text: "no-such-host", Limit: 200}},
	}
	run := func(layout string) {
		for _, tc := range queries {
			b.Run(layout+"/"+tc.name, func(b *testing.B) {
				q := tc.q
				if q.Start.IsZero() {
					q.Start, q.End = day, day.Add(24*time.Hour-1)
				}
				var got int
				scanned := queryScanned.Get()
				for b.Loop() {
					res, err := s.Search(context.Background(), q)
					if err != nil {
						b.Fatal(err)
					}
					got = len(res.Events)
				}
				b.ReportMetric(float64(got), "events")
				b.ReportMetric(float64(queryScanned.Get()-scanned)/float64(b.N), "scanned/op")
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
				b.ReportMetric(float64(queryScanned.Get()-scanned)/b.Elapsed().Seconds(), "scanned/s")
			})
		}
	}
	run("live")
	ageFiles(b, dir, now)
	if err := s.Compact(context.Background()); err != nil {
		b.Fatal(err)
	}
	run("compressed")
}
