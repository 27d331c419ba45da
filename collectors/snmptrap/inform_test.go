package snmptrap

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// The real net-snmp snmpinform waits for our Response and retransmits the
// inform until it comes (-t seconds, -r retries); it exits 0 only once it was
// answered. The cases go through a UDP relay that can lose our answers, so
// the retransmissions are real, and each inform must be stored once.

// runInform runs snmpinform (net-snmp, apt package snmp) without MIBs and
// with its persistent state in a scratch directory.
func runInform(t *testing.T, args ...string) (string, error) {
	t.Helper()
	bin := testpeer.LookBinary(t, "/usr/bin/snmpinform", "apt-get install snmp")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-M", "/dev/null", "-m", "", "-t", "1", "-r", "3"}, args...)...)
	cmd.Env = append(os.Environ(), "SNMP_PERSISTENT_DIR="+dir, "SNMPCONFPATH="+dir)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// informV3 is the v3 authPriv command line of the test user. No -e: the
// sender discovers our engine ID, as a device does.
func informV3(target string, varbinds ...string) []string {
	args := []string{"-v3", "-u", testUser, "-l", "authPriv", "-a", "SHA", "-A", testAuthPass,
		"-x", "AES", "-X", testPrivPass, target, "", "1.3.6.1.6.3.1.1.5.3"}
	return append(args, varbinds...)
}

func informV2c(target, community string) []string {
	return append([]string{"-v2c", "-c", community, target, "", "1.3.6.1.6.3.1.1.5.3"}, ifVars...)
}

func TestSNMPInformCLIAcknowledged(t *testing.T) {
	cases := []struct {
		name      string
		v3        bool
		loseReply []int // replies (1-based) the relay loses, forcing retransmissions
	}{
		{"v2c", false, nil},
		{"v2c first answer lost", false, []int{1}},
		{"v3 authPriv with engine discovery", true, nil},
		// Reply 1 is the discovery Report; 2 is our Response to the inform.
		{"v3 authPriv answer lost twice", true, []int{2, 3}},
		// -e names our engine (no discovery) and -Z gives a stale clock: we
		// answer usmStatsNotInTimeWindows, authenticated, and net-snmp
		// resends with our boots and time.
		{"v3 stale clock", true, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink := newMemSink()
			o := baseOptions("127.0.0.1:0", sink)
			o.EngineID = "0x80000000050a0b0c0d"
			r := startReceiver(t, o)
			relay := startRelay(t, r.Addr(), tc.loseReply...)
			repeats, acks, late := informRepeats.Get(), informAcks.Get(), dropCount(reasonNotInTimeWindow)
			args := informV2c("udp:"+relay.addr(), testCommunity)
			if tc.v3 {
				args = informV3("udp:"+relay.addr(), ifVars...)
			}
			if tc.name == "v3 stale clock" {
				args = append([]string{"-e", o.EngineID, "-Z", "1,1"}, args...)
			}
			out, err := runInform(t, args...)
			require.NoError(t, err, "snmpinform exits 0 once answered:\n%s", out)
			ev := deliveredBefore(t, r, sink)
			require.Len(t, ev, 1, "stored once, retransmissions or not")
			assert.Equal(t, "linkDown", ev[0].Labels["trap"])
			assert.Equal(t, "GE0/0/1", ev[0].Labels["ifname"])
			assert.Equal(t, uint64(len(tc.loseReply)), informRepeats.Get()-repeats, "each lost answer made one retransmission")
			assert.Equal(t, uint64(len(tc.loseReply)+1), informAcks.Get()-acks, "every copy is answered")
			if tc.name == "v3 stale clock" {
				assert.Equal(t, late+1, dropCount(reasonNotInTimeWindow), "the stale inform was refused with a report")
			}
		})
	}
}

// An inform with a wrong community is neither answered nor stored: the sender
// gives up with a timeout.
func TestSNMPInformCLIWrongCommunity(t *testing.T) {
	sink := newMemSink()
	r := startReceiver(t, baseOptions("127.0.0.1:0", sink))
	out, err := runInform(t, append([]string{"-r", "0"}, informV2c("udp:"+r.Addr(), "public")...)...)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "no answer: snmpinform fails\n%s", out)
	assert.Contains(t, out, "Timeout")
	assert.Empty(t, deliveredBefore(t, r, sink))
}

// deliveredBefore sends a v2c linkUp marker trap and returns the events that
// arrived before it: the receiver handles packets in order and delivers in
// order, so once the marker is stored everything sent earlier is too.
func deliveredBefore(t *testing.T, r *Receiver, sink *memSink) []collectors.Event {
	t.Helper()
	n := len(sink.Events())
	sendRaw(t, r.Addr(), v2cPacket(t, testCommunity, linkUpVars()))
	ev := sink.WaitFor(t, n+1, 10*time.Second)
	for i := range ev {
		if ev[i].Labels["trap"] == "linkUp" {
			return ev[:i]
		}
	}
	t.Fatalf("marker not found in %v", ev)
	return nil
}

// relay forwards datagrams between one client and the receiver and loses the
// receiver's replies whose 1-based numbers are in lose.
type relay struct {
	front, back *net.UDPConn
	wg          sync.WaitGroup
}

func startRelay(t *testing.T, target string, lose ...int) *relay {
	t.Helper()
	front, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	dst, err := net.ResolveUDPAddr("udp", target)
	require.NoError(t, err)
	back, err := net.DialUDP("udp", nil, dst)
	require.NoError(t, err)
	rl := &relay{front: front, back: back}
	var mu sync.Mutex
	var client *net.UDPAddr
	rl.wg.Go(func() {
		buf := make([]byte, maxPacket)
		for {
			n, from, err := front.ReadFromUDP(buf)
			if err != nil {
				return
			}
			mu.Lock()
			client = from
			mu.Unlock()
			_, _ = back.Write(buf[:n])
		}
	})
	rl.wg.Go(func() {
		buf := make([]byte, maxPacket)
		for i := 0; ; {
			n, err := back.Read(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			i++
			mu.Lock()
			to := client
			mu.Unlock()
			if !slices.Contains(lose, i) {
				_, _ = front.WriteToUDP(buf[:n], to)
			}
		}
	})
	t.Cleanup(func() {
		front.Close()
		back.Close()
		rl.wg.Wait()
	})
	return rl
}

func (rl *relay) addr() string { return rl.front.LocalAddr().String() }

// linkUpVars are linkDownVars as a linkUp.
func linkUpVars() []gosnmp.SnmpPDU {
	v := linkDownVars()
	v[1].Value = ".1.3.6.1.6.3.1.1.5.4"
	return v
}
