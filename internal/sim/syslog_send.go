package sim

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Own metrics: lines sent per transport and what failed, never a device.
var (
	logSentUDP    = metrics.NewCounter(`swanwatch_sim_syslog_lines_total{transport="udp"}`)
	logSentTCP    = metrics.NewCounter(`swanwatch_sim_syslog_lines_total{transport="tcp"}`)
	logLostSend   = metrics.NewCounter(`swanwatch_sim_syslog_lost_total{reason="send"}`)
	logLostDown   = metrics.NewCounter(`swanwatch_sim_syslog_lost_total{reason="receiver_down"}`)
	logLostSilent = metrics.NewCounter(`swanwatch_sim_syslog_lost_total{reason="silenced"}`)
)

const (
	tcpWriteTimeout = 2 * time.Second
	tcpRedial       = 5 * time.Second // after a failed dial or write
	// Facilities and severities (RFC 5424 §6.2.1).
	facAuthpriv = 10
	facLocal7   = 23
	sevWarning  = 4
	sevNotice   = 5
	sevInfo     = 6
)

// logTarget is the receiver's addresses.
type logTarget struct {
	udp *net.UDPAddr // nil: UDP senders stay quiet
	tcp string       // "": TCP senders stay quiet
}

// resolveLogTarget checks that both addresses are IPv4 loopback host:port.
func resolveLogTarget(udp, tcp string) (*logTarget, error) {
	t := &logTarget{tcp: tcp}
	for _, a := range []string{udp, tcp} {
		if a == "" {
			continue
		}
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			return nil, fmt.Errorf("syslog target %q: %w", a, err)
		}
		ip := net.ParseIP(host)
		if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("syslog target %q: port must be 1..65535", a)
		}
		if ip == nil || !ip.IsLoopback() || ip.To4() == nil {
			return nil, fmt.Errorf("syslog target %q: the simulator sends to an IPv4 loopback address only (its senders are on 127/8)", a)
		}
	}
	if udp != "" {
		ua, err := net.ResolveUDPAddr("udp", udp)
		if err != nil {
			return nil, fmt.Errorf("syslog target %q: %w", udp, err)
		}
		t.udp = ua
	}
	return t, nil
}

// logLine is one message before framing. App is the RFC 5424 APP-NAME or
// the RFC 3164 TAG; empty for Huawei, H3C and Hillstone lines, whose
// module tag is part of the text as the boxes send it.
type logLine struct {
	at                 time.Time
	facility, severity int
	app                string
	pid                int
	text               string
	want               string // the class logparse should give it (the tests check)
}

// frame3164 writes "<PRI>Mmm dd hh:mm:ss HOST [TAG[PID]: ]TEXT" with the
// device's local time (Asia/Shanghai), as network boxes and BSD syslog do.
func (l logLine) frame3164(host string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<%d>%s %s ", l.facility*8+l.severity, l.at.In(shanghai).Format(time.Stamp), host)
	if l.app != "" {
		b.WriteString(l.app)
		if l.pid > 0 {
			fmt.Fprintf(&b, "[%d]", l.pid)
		}
		b.WriteString(": ")
	}
	b.WriteString(l.text)
	return b.String()
}

// frame5424 writes "<PRI>1 TIMESTAMP HOST APP PROCID - - TEXT", the
// RSYSLOG_SyslogProtocol23Format rsyslog forwards with.
func (l logLine) frame5424(host string) string {
	app, pid := nilValue(l.app), "-"
	if l.pid > 0 {
		pid = strconv.Itoa(l.pid)
	}
	return fmt.Sprintf("<%d>1 %s %s %s %s - - %s", l.facility*8+l.severity,
		l.at.In(shanghai).Format("2006-01-02T15:04:05.000000-07:00"), host, app, pid, l.text)
}

func nilValue(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// bindLocal binds a UDP socket on ip, or on 127.0.0.1 where ip cannot be
// bound (not Linux), which only costs the receiver telling devices apart.
func bindLocal(ip string) (*net.UDPConn, string, error) {
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(ip)})
	if errors.Is(err, syscall.EADDRNOTAVAIL) {
		ip = "127.0.0.1"
		c, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.ParseIP(ip)})
	}
	if err != nil {
		return nil, "", fmt.Errorf("bind log sender %s: %w", ip, err)
	}
	return c, ip, nil
}

// send frames and writes one line; a line that cannot go is counted lost.
func (d *logDevice) send(l logLine, t *logTarget, now time.Time) {
	var frame string
	if d.rfc5424 {
		frame = l.frame5424(d.hostname)
	} else {
		frame = l.frame3164(d.hostname)
	}
	if d.tcp {
		d.sendTCP(frame, t, now)
		return
	}
	if t.udp == nil {
		logLostDown.Inc()
		return
	}
	if _, err := d.udp.WriteToUDP([]byte(frame), t.udp); err != nil {
		logLostSend.Inc()
		return
	}
	logSentUDP.Inc()
}

// sendTCP writes one octet-counted frame (RFC 6587 §3.4.1) on the
// device's connection, dialling it from the device's own address first.
func (d *logDevice) sendTCP(frame string, t *logTarget, now time.Time) {
	if t.tcp == "" || now.Before(d.redialAt) {
		logLostDown.Inc()
		return
	}
	if d.conn != nil && d.connTo != t.tcp {
		_ = d.conn.Close()
		d.conn = nil
	}
	if d.conn == nil {
		dl := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(d.ip)}, Timeout: tcpWriteTimeout}
		c, err := dl.Dial("tcp", t.tcp)
		if err != nil {
			d.redialAt = now.Add(tcpRedial)
			logLostDown.Inc()
			return
		}
		d.conn, d.connTo = c, t.tcp
	}
	_ = d.conn.SetWriteDeadline(now.Add(tcpWriteTimeout))
	if _, err := d.conn.Write([]byte(strconv.Itoa(len(frame)) + " " + frame)); err != nil {
		_ = d.conn.Close()
		d.conn, d.redialAt = nil, now.Add(tcpRedial)
		logLostSend.Inc()
		return
	}
	logSentTCP.Inc()
}

// serveBanner is a server's sshd as a reachability check sees it: it
// accepts, says its version and hangs up.
func serveBanner(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = c.Write([]byte("SSH-2.0-OpenSSH_8.7\r\n"))
		_ = c.Close()
	}
}
