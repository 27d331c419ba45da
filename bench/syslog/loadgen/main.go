// Command loadgen sends numbered RFC 5424 lines to a syslog receiver, over TCP
// (octet-counted, RFC 6587) as fast as the receiver takes them, or over UDP at
// a fixed rate, for bench/syslog/run.sh. The lines look like a border
// firewall's session log, so that parsing and storage cost what they cost in
// production; each carries its sequence number, so a receiver's output can be
// checked for loss.
//
//	loadgen -proto tcp -target 127.0.0.1:5514 -n 300000
//	loadgen -proto udp -target 127.0.0.1:5514 -n 100000 -rate 10000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

func main() {
	proto := flag.String("proto", "tcp", "tcp (octet-counted) or udp")
	target := flag.String("target", "127.0.0.1:5514", "receiver address")
	n := flag.Int("n", 100_000, "lines to send")
	rate := flag.Int("rate", 0, "lines per second (0: as fast as the receiver takes them; UDP needs a rate)")
	flag.Parse()
	if *proto == "udp" && *rate == 0 {
		fail(fmt.Errorf("udp needs -rate: an unpaced UDP sender only measures the kernel's drops"))
	}
	start := time.Now()
	var err error
	switch *proto {
	case "tcp":
		err = sendTCP(*target, *n, *rate)
	case "udp":
		err = sendUDP(*target, *n, *rate)
	default:
		err = fmt.Errorf("proto %q: tcp or udp", *proto)
	}
	if err != nil {
		fail(err)
	}
	el := time.Since(start)
	fmt.Printf("RESULT start_ns=%d sent=%d send_seconds=%.3f\n", start.UnixNano(), *n, el.Seconds())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}

// line appends line number i: a firewall session record of about 220 bytes.
func line(b []byte, i int) []byte {
	b = append(b, "<190>1 "...)
	b = time.Now().UTC().AppendFormat(b, "2006-01-02T15:04:05.000000Z")
	b = append(b, " usg6000-border FW 4242 SESSION - "...)
	b = append(b, "seq="...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = fmt.Appendf(b, " SessionLog: IPVer=4,Protocol=tcp,SourceIP=10.%d.%d.%d,DestinationIP=203.0.113.%d,SourcePort=%d,DestinationPort=443,"+
		"BeginTime=2026-12-07 17:00:00,EndTime=2026-12-07 17:00:05,SourceVpnID=0,DestinationVpnID=0,Policy=allow-web,Action=permit",
		i>>16&255, i>>8&255, i&255, i%200, 1024+i%60000)
	return b
}

// pacer sleeps so that line i leaves at start + i/rate.
type pacer struct {
	start time.Time
	rate  int
}

func (p pacer) wait(i int) {
	if p.rate <= 0 {
		return
	}
	if d := time.Until(p.start.Add(time.Duration(i) * time.Second / time.Duration(p.rate))); d > 0 {
		time.Sleep(d)
	}
}

func sendTCP(target string, n, rate int) error {
	c, err := net.Dial("tcp", target)
	if err != nil {
		return err
	}
	defer c.Close()
	w := bufio.NewWriterSize(c, 256<<10)
	p := pacer{time.Now(), rate}
	var msg, frame []byte
	for i := range n {
		if rate > 0 && i%100 == 0 {
			if err := w.Flush(); err != nil {
				return err
			}
			p.wait(i)
		}
		msg = line(msg[:0], i)
		frame = strconv.AppendInt(frame[:0], int64(len(msg)), 10)
		frame = append(append(frame, ' '), msg...)
		if _, err := w.Write(frame); err != nil {
			return err
		}
	}
	return w.Flush()
}

func sendUDP(target string, n, rate int) error {
	c, err := net.Dial("udp", target)
	if err != nil {
		return err
	}
	defer c.Close()
	p := pacer{time.Now(), rate}
	var msg []byte
	for i := range n {
		p.wait(i)
		msg = line(msg[:0], i)
		if _, err := c.Write(msg); err != nil {
			return err
		}
	}
	return nil
}
