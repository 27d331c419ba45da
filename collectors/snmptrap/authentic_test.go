package snmptrap

import (
	"crypto/hmac"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const authOnlyUser = "opsauth"

// authNoPrivPacket captures a v3 authNoPriv linkDown from gosnmp as user
// opsauth with the given password.
func authNoPrivPacket(t *testing.T, proto gosnmp.SnmpV3AuthProtocol, pass string) []byte {
	return capture(t, func(addr string) {
		ap := addrPort(t, addr)
		x := &gosnmp.GoSNMP{Target: ap.Addr().String(), Port: ap.Port(), Transport: "udp", Version: gosnmp.Version3,
			Timeout: time.Second, SecurityModel: gosnmp.UserSecurityModel, MsgFlags: gosnmp.AuthNoPriv,
			SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: authOnlyUser,
				AuthoritativeEngineID: "\x80\x00\x00\x00\x01\x02\x03\x04", AuthenticationProtocol: proto,
				AuthenticationPassphrase: pass}}
		require.NoError(t, x.Connect())
		defer x.Conn.Close()
		_, err := x.SendTrap(gosnmp.SnmpTrap{Variables: linkDownVars()[1:]})
		require.NoError(t, err)
	})
}

// A v3 message gosnmp refuses is classified by our own digest check, not by
// the text of gosnmp's error: a wrong password is bad_auth, an authentic
// message with a broken PDU is decode_error.
func TestV3RefusalClassifiedByDigest(t *testing.T) {
	for _, proto := range []string{"MD5", "SHA", "SHA256", "SHA512"} {
		t.Run(proto, func(t *testing.T) {
			o := baseOptions("127.0.0.1:0", newMemSink())
			o.V3Users = append(o.V3Users, V3User{Name: authOnlyUser, AuthProto: proto, AuthPass: "authonly123"})
			d, err := newDecoder(o.withDefaults(), time.Now())
			require.NoError(t, err)
			ap, _ := authProto(proto)

			good := authNoPrivPacket(t, ap, "authonly123")
			h, err := readHeader(good)
			require.NoError(t, err)
			assert.True(t, d.authentic(h, good))
			tr, _, err := d.decode(good, time.Now())
			require.NoError(t, err)
			assert.Equal(t, "1.3.6.1.6.3.1.1.5.3", tr.OID)

			wrong := authNoPrivPacket(t, ap, "not-the-password")
			_, _, err = d.decode(wrong, time.Now())
			assert.Equal(t, reasonBadAuth, reasonOf(err), "%v", err)

			// Break the PDU (the last varbind's type tag) and sign it again:
			// authentic, but gosnmp cannot decode it.
			broken := append([]byte(nil), good...)
			broken[len(broken)-len("GE0/0/1")-2] = 0x00
			resign(t, d, broken)
			hb, err := readHeader(broken)
			require.NoError(t, err)
			require.True(t, d.authentic(hb, broken))
			_, _, err = d.decode(broken, time.Now())
			assert.Equal(t, reasonDecode, reasonOf(err), "%v", err)
		})
	}
}

// resign writes a valid digest for pkt's current content.
func resign(t *testing.T, d *decoder, pkt []byte) {
	t.Helper()
	h, err := readHeader(pkt)
	require.NoError(t, err)
	sp := d.users[h.user].params.Copy().(*gosnmp.UsmSecurityParameters)
	sp.AuthoritativeEngineID = h.engineID
	require.NoError(t, sp.InitSecurityKeys())
	clear(pkt[h.authOff : h.authOff+h.authLen])
	mac := hmac.New(sp.AuthenticationProtocol.HashType().New, sp.SecretKey)
	mac.Write(pkt)
	copy(pkt[h.authOff:], mac.Sum(nil)[:h.authLen])
}
