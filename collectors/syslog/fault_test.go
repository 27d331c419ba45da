package syslog

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/swanwatch/swanwatch/collectors"
)

// TestBadFramesCostTheirConnection sends every kind of bad input, each
// counted by reason, while a well-behaved connection keeps its lines flowing.
func TestBadFramesCostTheirConnection(t *testing.T) {
	sink := newMemSink()
	cfg := local()
	cfg.MaxMessageSize = 1024
	r := start(t, cfg, sink, nil)
	reason := func(r string) uint64 { return counter(`swanwatch_syslog_rejected_total{reason="` + r + `"}`) }
	before := map[string]uint64{}
	for _, x := range rejectReasons {
		before[x] = reason(x)
	}
	good, err := net.Dial("tcp", r.TCPAddr())
	require.NoError(t, err)
	defer good.Close()

	bad, err := net.Dial("tcp", r.TCPAddr())
	require.NoError(t, err)
	big := strings.Repeat("x", 2000)
	_, err = io.WriteString(bad, "no priority here\n"+ // no_priority, the stream goes on
		"<999>too high\n"+ // bad_priority
		"<13>"+big+"\n"+ // oversized LF frame, skipped
		"2004 <13>"+big[:2000]+ // oversized octet-counted frame, skipped
		"<13>Dec  7 17:00:00 h app: bad \xff\xfe bytes\n"+ // invalid_utf8, kept
		"<13>1 nonsense h app - - - kept anyway\n"+ // bad_header, kept
		"<13>after the bad ones\n"+
		"12x <13>broken count\n"+ // bad_octet_count: the connection is closed
		"<13>never read\n")
	require.NoError(t, err)
	_, err = io.WriteString(good, "15 <13>good line 1")
	require.NoError(t, err)
	// The bad connection is closed by the receiver.
	require.NoError(t, bad.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = bufio.NewReader(bad).ReadByte()
	assert.ErrorIs(t, err, io.EOF, "the connection with a broken octet count is closed")
	bad.Close()
	_, err = io.WriteString(good, "<13>good line 2\n")
	require.NoError(t, err)

	// UDP: an oversized datagram and a datagram without a priority.
	u, err := net.Dial("udp", r.UDPAddr())
	require.NoError(t, err)
	defer u.Close()
	_, _ = u.Write([]byte("<13>" + big))
	_, _ = u.Write([]byte("hello"))
	_, _ = u.Write([]byte("<14>udp still fine"))

	evs := sink.WaitFor(t, 6, 10*time.Second)
	var texts []string
	for _, ev := range evs {
		texts = append(texts, ev.Text)
	}
	assert.ElementsMatch(t, []string{"bad \uFFFD bytes", "kept anyway", "after the bad ones",
		"good line 1", "good line 2", "udp still fine"}, texts)
	assert.Eventually(t, func() bool {
		return reason(rejNoPriority)-before[rejNoPriority] == 2 && reason(rejBadPriority)-before[rejBadPriority] == 1 &&
			reason(rejOversized)-before[rejOversized] == 3 && reason(rejInvalidUTF8)-before[rejInvalidUTF8] == 1 &&
			reason(rejBadHeader)-before[rejBadHeader] == 1 && reason(rejBadOctetCount)-before[rejBadOctetCount] == 1
	}, 5*time.Second, 20*time.Millisecond, "every bad input counted once by its reason")
}

// TestMaxConnections: the connection over the bound is closed at once and
// counted; the ones inside it are served.
func TestMaxConnections(t *testing.T) {
	sink := newMemSink()
	cfg := Config{TCP: "127.0.0.1:0", MaxConnections: 2}
	r := start(t, cfg, sink, nil)
	before := counter(`swanwatch_syslog_rejected_total{reason="max_connections"}`)
	var conns []net.Conn
	for range 2 {
		c, err := net.Dial("tcp", r.TCPAddr())
		require.NoError(t, err)
		defer c.Close()
		_, err = io.WriteString(c, "<13>in\n")
		require.NoError(t, err)
		conns = append(conns, c)
	}
	sink.WaitFor(t, 2, 5*time.Second) // both accepted and served
	extra, err := net.Dial("tcp", r.TCPAddr())
	require.NoError(t, err)
	defer extra.Close()
	require.NoError(t, extra.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = extra.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "the third connection is closed")
	assert.Equal(t, before+1, counter(`swanwatch_syslog_rejected_total{reason="max_connections"}`))
	conns[0].Close() // a slot frees (once the receiver sees the close), a new connection is served
	attempt := 0
	require.Eventually(t, func() bool {
		attempt++
		c, err := net.Dial("tcp", r.TCPAddr())
		if err != nil {
			return false
		}
		defer c.Close()
		_, _ = fmt.Fprintf(c, "<13>after %d\n", attempt)
		// Served, its line arrives; refused, the connection was closed and the line is lost.
		deadline := time.Now().Add(2 * time.Second)
		for time.Now().Before(deadline) {
			if countPrefix(sink, "after ") > 0 {
				return true
			}
			time.Sleep(10 * time.Millisecond)
		}
		return false
	}, 30*time.Second, 10*time.Millisecond)
	assert.Equal(t, 1, countPrefix(sink, "after "))
}

// TestIdleTimeout: a silent connection is closed after IdleTimeout.
func TestIdleTimeout(t *testing.T) {
	r := start(t, Config{TCP: "127.0.0.1:0", IdleTimeout: time.Second}, newMemSink(), nil)
	c, err := net.Dial("tcp", r.TCPAddr())
	require.NoError(t, err)
	defer c.Close()
	began := time.Now()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = c.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF)
	assert.Less(t, time.Since(began), 5*time.Second)
}

// TestUnknownSender: a sender that is no device is kept, labelled by its
// address with known="false", and counted apart.
func TestUnknownSender(t *testing.T) {
	sink := newMemSink()
	r := start(t, Config{UDP: "127.0.0.1:0"}, sink, nil)
	before := counter(`swanwatch_syslog_received_total{known="false"}`)
	beforeDev := counter(`swanwatch_syslog_received_total{instance="core-sw-01"}`)
	from, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)})
	require.NoError(t, err)
	defer from.Close()
	to, err := net.ResolveUDPAddr("udp", r.UDPAddr())
	require.NoError(t, err)
	_, err = from.WriteTo([]byte("<13>from elsewhere"), to)
	require.NoError(t, err)
	u, err := net.Dial("udp", r.UDPAddr())
	require.NoError(t, err)
	defer u.Close()
	_, err = u.Write([]byte("<13>from the switch"))
	require.NoError(t, err)
	evs := sink.WaitFor(t, 2, 5*time.Second)
	byText := map[string]map[string]string{}
	for _, ev := range evs {
		byText[ev.Text] = ev.Labels
	}
	assert.Equal(t, map[string]string{"source": "syslog", "instance": "127.0.0.2", "known": "false",
		"facility": "user", "syslog_severity": "notice", "severity": "info"}, byText["from elsewhere"])
	assert.Equal(t, "core-sw-01", byText["from the switch"]["instance"])
	assert.NotContains(t, byText["from the switch"], "known")
	// Counted by the receiving goroutine just after it queued the line: maybe after the sink has it.
	assert.Eventually(t, func() bool {
		return counter(`swanwatch_syslog_received_total{known="false"}`) == before+1 &&
			counter(`swanwatch_syslog_received_total{instance="core-sw-01"}`) == beforeDev+1
	}, 5*time.Second, 5*time.Millisecond)

	// The device's count goes to the TSDB as a series (the unknown ones do not:
	// no rule can name them).
	var stored []collectors.Sample
	for _, s := range ReceivedSamples() {
		if s.Labels[1].Value == "core-sw-01" {
			stored = append(stored, s)
		}
		assert.NotEqual(t, "127.0.0.2", s.Labels[1].Value)
	}
	require.Len(t, stored, 1)
	assert.Equal(t, []collectors.Label{{Name: "__name__", Value: ReceivedMetric}, {Name: "instance", Value: "core-sw-01"}},
		stored[0].Labels)
	assert.InDelta(t, float64(beforeDev+1), stored[0].Value, 0)
}

// TestClassifier: a profile's record adds vendor, profile, class, raises the
// severity and adds its fields, never overwriting the receiver's labels.
func TestClassifier(t *testing.T) {
	sink := newMemSink()
	var seen Message
	cl := ClassifyFunc(func(m Message) (Record, bool) {
		if !bytes.Contains([]byte(m.Text), []byte("deny")) {
			return Record{}, false
		}
		seen = m
		return Record{Vendor: "huawei", Profile: "huawei-usg-session", Class: "fw_deny", Severity: "warning",
			Fields: map[string]string{"src_ip": "10.1.1.1", "action": "deny", "instance": "forged", "bad-name": "x"}}, true
	})
	r := start(t, Config{UDP: "127.0.0.1:0"}, sink, cl)
	u, err := net.Dial("udp", r.UDPAddr())
	require.NoError(t, err)
	defer u.Close()
	_, err = u.Write([]byte("<190>1 2026-12-07T17:00:00+08:00 usg6000 FW - SESSION - policy deny 10.1.1.1"))
	require.NoError(t, err)
	_, err = u.Write([]byte("<190>1 2026-12-07T17:00:00+08:00 usg6000 FW - SESSION - permit"))
	require.NoError(t, err)
	evs := sink.WaitFor(t, 2, 5*time.Second)
	if evs[0].Text != "policy deny 10.1.1.1" { // UDP readers run in parallel: either may come first
		evs[0], evs[1] = evs[1], evs[0]
	}
	assert.Equal(t, Message{Hostname: "usg6000", App: "FW", MsgID: "SESSION", Text: "policy deny 10.1.1.1",
		Facility: 23, Severity: 6}, seen)
	l := evs[0].Labels
	assert.Equal(t, "huawei", l["vendor"])
	assert.Equal(t, "huawei-usg-session", l["profile"])
	assert.Equal(t, "fw_deny", l["class"])
	assert.Equal(t, "warning", l["severity"], "the profile raises info to warning")
	assert.Equal(t, "info", l["syslog_severity"])
	assert.Equal(t, "10.1.1.1", l["src_ip"])
	assert.Equal(t, "deny", l["action"])
	assert.Equal(t, "core-sw-01", l["instance"], "a field never overwrites the receiver's labels")
	assert.NotContains(t, l, "bad-name")
	assert.NotContains(t, evs[1].Labels, "class")
}

// TestIPv6: a sender on ::1 is received and labelled by its address.
func TestIPv6(t *testing.T) {
	sink := newMemSink()
	r := start(t, Config{UDP: "[::1]:0", TCP: "[::1]:0"}, sink, nil)
	u, err := net.Dial("udp", r.UDPAddr())
	require.NoError(t, err)
	defer u.Close()
	_, err = u.Write([]byte("<165>1 - - app - - - over ipv6"))
	require.NoError(t, err)
	c, err := net.Dial("tcp", r.TCPAddr())
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "<165>1 - - app - - - over ipv6 tcp\n")
	require.NoError(t, err)
	for _, ev := range sink.WaitFor(t, 2, 5*time.Second) {
		assert.Equal(t, "::1", ev.Labels["instance"])
		assert.Equal(t, "false", ev.Labels["known"])
		assert.Equal(t, "app", ev.Labels["app"])
	}
}
