package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/require"
)

// testPark builds a park without sockets on a fixed clock.
func testPark(t testing.TB) *park {
	t.Helper()
	at := time.Unix(1_795_000_000, 0)
	o := Options{Seed: 3, Now: func() time.Time { return at }, Park: &ParkOptions{SecretsDir: t.TempDir()}}.withDefaults()
	p, err := newPark(o)
	require.NoError(t, err)
	return p
}

// FuzzParkControlPath: any path is a valid control or errBadParkPath, never a
// panic, and a valid one names a known action of its kind.
func FuzzParkControlPath(f *testing.F) {
	for _, s := range []string{"/control/park/camera/cam-birdwatch-01/knock", "/control/park/gate/gate-south-1/jam",
		"/control/park/ap/ap-island-1/down", "/control/park/camera//fix", "/control/park/camera/a/b/c", "/control/vm/x/offline"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		kind, name, action, err := parseParkControlPath(path)
		if err != nil {
			require.ErrorIs(t, err, errBadParkPath)
			return
		}
		require.True(t, validName(name))
		require.Contains(t, parkActions[kind], action)
		require.Equal(t, "/control/park/"+kind+"/"+name+"/"+action, path)
	})
}

// FuzzParkSIP: a broadcast terminal answers OPTIONS with a 200 that sipgo
// parses, anything else with nothing or a 501, and survives any bytes.
func FuzzParkSIP(f *testing.F) {
	term := &paTerminal{name: "pa-test"}
	f.Add([]byte("OPTIONS sip:pa@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:pa@c>\r\nCall-ID: 1@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("INVITE sip:pa@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nCall-ID: 2\r\nCSeq: 1 INVITE\r\n\r\n"))
	f.Add([]byte("SIP/2.0 200 OK\r\n\r\n"))
	f.Add([]byte("\x00\xff garbage"))
	f.Add([]byte(" :00 SIP\r\nV:// 0:\r\nCAll-ID:0\r\nCSeq:0 0\r\n\r\n")) // once answered with an unparsable Via
	f.Fuzz(func(t *testing.T, b []byte) {
		out := term.answer(b)
		if out == nil {
			return
		}
		m, err := sip.ParseMessage(out)
		require.NoError(t, err, "%q", out)
		res, ok := m.(*sip.Response)
		require.True(t, ok)
		req, _ := sip.ParseMessage(b)
		if r, ok := req.(*sip.Request); ok && r.Method == sip.OPTIONS {
			require.Equal(t, 200, res.StatusCode)
		} else {
			require.Equal(t, 501, res.StatusCode)
		}
	})
}

// FuzzParkSNMP: the park's agents drop or answer any datagram, as the WAN's do.
func FuzzParkSNMP(f *testing.F) {
	p := testPark(f)
	ac := p.agents[len(p.agents)-1]
	f.Add(request(f, gosnmp.Version2c, "public", gosnmp.GetBulkRequest, 0, 40, ".1.3.6.1.4.1.2011.6.139.13.3.3.1"))
	f.Add(request(f, gosnmp.Version2c, "public", gosnmp.GetRequest, 0, 0, ".1.3.6.1.4.1.2011.6.139.12.1.2.2.0"))
	f.Add(request(f, gosnmp.Version1, "public", gosnmp.GetNextRequest, 0, 0, ".1.3.6.1.2.1.1"))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := answerMIB(ac.mib, b, 1.795e9)
		if err != nil {
			require.ErrorIs(t, err, errDrop)
			return
		}
		require.LessOrEqual(t, len(out), maxResponse)
		require.Equal(t, gosnmp.GetResponse, decode(t, out).PDUType)
	})
}

func TestParkNeedsSecretsDir(t *testing.T) {
	_, err := New(Options{VMs: 2, Park: &ParkOptions{}})
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "secrets"), err.Error())
}
