package snmptrap

import (
	"net/netip"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/require"
)

// FuzzDecodeTrap feeds raw packets to the header reader and the decoder: no
// panic, and whatever is accepted is bounded and printable.
func FuzzDecodeTrap(f *testing.F) {
	good := v2cPacket(f, testCommunity, linkDownVars())
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(v2cPacket(f, "wrong", linkDownVars()))
	f.Add(v3Packet(f, testEngineID, testAuthPass, testPrivPass))
	f.Add(v3Packet(f, testEngineID, testAuthPass, "wrong-privpass"))
	v1 := &gosnmp.GoSNMP{Version: gosnmp.Version1, Community: testCommunity}
	p := v1.MkSnmpPacket(gosnmp.Trap, linkDownVars()[2:], 0, 0)
	p.SnmpTrap = gosnmp.SnmpTrap{Enterprise: ".1.3.6.1.4.1.9", AgentAddress: "192.0.2.1", GenericTrap: 6, SpecificTrap: 7}
	v1b, err := p.MarshalMsg()
	require.NoError(f, err)
	f.Add(v1b)
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x03})
	inform := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Community: testCommunity}
	ib, err := inform.MkSnmpPacket(gosnmp.InformRequest, linkDownVars(), 0, 0).MarshalMsg()
	require.NoError(f, err)
	f.Add(ib)
	probe := &gosnmp.SnmpPacket{Version: gosnmp.Version3, MsgFlags: gosnmp.Reportable, MsgID: 7, RequestID: 8,
		SecurityModel: gosnmp.UserSecurityModel, SecurityParameters: &gosnmp.UsmSecurityParameters{}, PDUType: gosnmp.GetRequest}
	pb, err := probe.MarshalMsg()
	require.NoError(f, err)
	f.Add(pb)
	d, err := newDecoder(baseOptions("127.0.0.1:0", newMemSink()).withDefaults(), time.Now())
	require.NoError(f, err)
	profiles, err := compileProfiles(nil)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, pkt []byte) {
		_, _ = readHeader(pkt) // outside decode's recover: the header reader must not panic itself
		tr, reply, err := d.decode(pkt, time.Now())
		if reply != nil { // an answer is well-formed SNMP, small enough for one datagram
			_, herr := readHeader(reply)
			require.NoError(t, herr)
			require.LessOrEqual(t, len(reply), maxPacket)
		}
		if err != nil {
			require.Contains(t, dropReasons, reasonOf(err))
			return
		}
		require.True(t, validOID(tr.OID))
		require.LessOrEqual(t, len(tr.Vars), maxVars)
		for _, v := range tr.Vars {
			requirePrintable(t, v.Value, maxValueLen)
		}
		tr.Time, tr.Source = time.Unix(0, 0), netip.MustParseAddr("192.0.2.9")
		pr, known := classify(&tr, profiles)
		resolve(&tr, nil)
		nameInterface(&tr, func(string, int) (string, bool) { return "", false })
		ev := toEvent(&tr, pr, known)
		require.LessOrEqual(t, len(ev.Text), maxTextLen+len("…"))
		require.True(t, utf8.ValidString(ev.Text))
	})
}

func requirePrintable(t *testing.T, s string, max int) {
	t.Helper()
	require.LessOrEqual(t, len(s), max)
	require.True(t, utf8.ValidString(s), "%q", s)
	for _, r := range s {
		require.False(t, unicode.IsControl(r), "%q has a control character", s)
	}
}

// FuzzLoadProfiles: the profile loader never panics, and what it accepts
// compiles.
func FuzzLoadProfiles(f *testing.F) {
	f.Add(defaultProfilesYAML)
	f.Add([]byte("traps:\n  - {oid: 1.3.6, name: x, severity: info, text: '{{.Device}}'}\n"))
	f.Add([]byte("traps: [{oid: '', text: '{{'}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := LoadProfiles(data)
		if err != nil {
			return
		}
		_, err = compileProfiles(ps)
		require.NoError(t, err)
	})
}
