package snmptrap

import (
	"bytes"
	"crypto/hmac"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/gosnmp/gosnmp"
)

var authProtos = map[string]gosnmp.SnmpV3AuthProtocol{
	"": gosnmp.NoAuth, "MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA224": gosnmp.SHA224,
	"SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512,
}

var privProtos = map[string]gosnmp.SnmpV3PrivProtocol{
	"": gosnmp.NoPriv, "DES": gosnmp.DES, "AES": gosnmp.AES, "AES192": gosnmp.AES192,
	"AES256": gosnmp.AES256, "AES192C": gosnmp.AES192C, "AES256C": gosnmp.AES256C,
}

func authProto(s string) (gosnmp.SnmpV3AuthProtocol, error) {
	p, ok := authProtos[strings.ToUpper(s)]
	if !ok {
		return 0, fmt.Errorf("unknown auth protocol %q", s)
	}
	return p, nil
}

func privProto(s string) (gosnmp.SnmpV3PrivProtocol, error) {
	p, ok := privProtos[strings.ToUpper(s)]
	if !ok {
		return 0, fmt.Errorf("unknown privacy protocol %q", s)
	}
	return p, nil
}

func decodeHex(s string) ([]byte, error) { return hex.DecodeString(s) }

// usmUser is a validated V3User as the decoder checks it.
type usmUser struct {
	auth, priv bool
	engines    map[string]bool               // empty: any engine
	params     *gosnmp.UsmSecurityParameters // credentials, for our own digest check
}

// usmTable builds gosnmp's per-user credential table and our own view of each
// user (security level, allowed engines). Options are validated already.
func usmTable(users []V3User) (*gosnmp.SnmpV3SecurityParametersTable, map[string]usmUser, error) {
	table := gosnmp.NewSnmpV3SecurityParametersTable(gosnmp.Logger{})
	byName := make(map[string]usmUser, len(users))
	for _, u := range users {
		sp := usmParams(u)
		if err := table.Add(u.Name, sp); err != nil {
			// gosnmp's error names the user at most, never the passphrase.
			return nil, nil, fmt.Errorf("add v3 user %q: %w", u.Name, err)
		}
		uu := usmUser{auth: sp.AuthenticationProtocol != gosnmp.NoAuth, priv: sp.PrivacyProtocol != gosnmp.NoPriv,
			engines: map[string]bool{}, params: usmParams(u)}
		for _, e := range u.EngineIDs {
			id, _ := parseEngineID(e)
			uu.engines[id] = true
		}
		byName[u.Name] = uu
	}
	return table, byName, nil
}

// usmParams are a validated user's credentials as gosnmp takes them.
func usmParams(u V3User) *gosnmp.UsmSecurityParameters {
	ap, _ := authProto(u.AuthProto)
	pp, _ := privProto(u.PrivProto)
	return &gosnmp.UsmSecurityParameters{
		UserName:                 u.Name,
		AuthenticationProtocol:   ap,
		AuthenticationPassphrase: u.AuthPass.Reveal(),
		PrivacyProtocol:          pp,
		PrivacyPassphrase:        u.PrivPass.Reveal(),
	}
}

// level checks the message flags against the user's security level: a trap
// with less protection than the user is configured for is not accepted.
func (u usmUser) level(flags gosnmp.SnmpV3MsgFlags) bool {
	if u.auth && flags&gosnmp.AuthNoPriv == 0 {
		return false
	}
	return !u.priv || flags&gosnmp.AuthPriv == gosnmp.AuthPriv
}

// digestLen is the truncated HMAC length of each protocol (RFC 3414, 7860).
var digestLen = map[gosnmp.SnmpV3AuthProtocol]int{gosnmp.MD5: 12, gosnmp.SHA: 12,
	gosnmp.SHA224: 16, gosnmp.SHA256: 24, gosnmp.SHA384: 32, gosnmp.SHA512: 48}

// authentic verifies a v3 message's digest with the user's key localised to
// the message's engine: the HMAC of the whole message with the digest field
// zeroed, truncated to the protocol's length (RFC 3414 6.3.2, RFC 7860 4.2.2).
func (d *decoder) authentic(h header, pkt []byte) bool {
	u, ok := d.users[h.user]
	end := h.authOff + h.authLen
	if !ok || u.params == nil || h.authLen == 0 || h.authLen != digestLen[u.params.AuthenticationProtocol] || end > len(pkt) {
		return false
	}
	sp := u.params.Copy().(*gosnmp.UsmSecurityParameters)
	sp.AuthoritativeEngineID, sp.SecretKey, sp.PrivacyKey = h.engineID, nil, nil
	if err := sp.InitSecurityKeys(); err != nil {
		return false
	}
	msg := bytes.Clone(pkt)
	clear(msg[h.authOff:end])
	mac := hmac.New(sp.AuthenticationProtocol.HashType().New, sp.SecretKey)
	mac.Write(msg)
	return hmac.Equal(mac.Sum(nil)[:h.authLen], pkt[h.authOff:end])
}
