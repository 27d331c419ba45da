package nvrfake

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"sync"

	"github.com/icholy/digest"
)

// maxNonces bounds the nonces the fake remembers; the oldest is forgotten, and
// a client using it gets a fresh challenge with stale=true, as RFC 7616 says.
const maxNonces = 1024

// digestAuth is the server side of HTTP Digest (RFC 7616: MD5, qop=auth), as
// both vendors require it.
type digestAuth struct {
	realm, user, pass string
	opaque            string

	mu     sync.Mutex
	nonces map[string]bool
	order  []string
}

func newDigestAuth(realm, user, pass string) *digestAuth {
	return &digestAuth{realm: realm, user: user, pass: pass, opaque: token(), nonces: map[string]bool{}}
}

// check reports whether r carries valid credentials, and whether the nonce was
// unknown (stale) when the digest itself may be right.
func (d *digestAuth) check(r *http.Request) (ok, stale bool) {
	target := r.RequestURI // the request-target as sent, which the digest covers
	if target == "" {
		target = r.URL.RequestURI()
	}
	cred, err := digest.ParseCredentials(r.Header.Get("Authorization"))
	if err != nil || cred.Username != d.user || cred.Realm != d.realm || cred.URI != target ||
		cred.QOP != "auth" {
		return false, false
	}
	if !d.known(cred.Nonce) {
		return false, true
	}
	want, err := digest.Digest(d.challengeFor(cred.Nonce), digest.Options{
		Method: r.Method, URI: cred.URI, Username: d.user, Password: d.pass,
		Count: cred.Nc, Cnonce: cred.Cnonce,
	})
	if err != nil {
		return false, false
	}
	return subtle.ConstantTimeCompare([]byte(want.Response), []byte(cred.Response)) == 1, false
}

func (d *digestAuth) challengeFor(nonce string) *digest.Challenge {
	return &digest.Challenge{Realm: d.realm, Nonce: nonce, Opaque: d.opaque, Algorithm: "MD5", QOP: []string{"auth"}}
}

// challenge answers 401 with a fresh nonce.
func (d *digestAuth) challenge(w http.ResponseWriter, stale bool) {
	c := d.challengeFor(d.issue())
	c.Stale = stale
	w.Header().Set("WWW-Authenticate", c.String())
}

func (d *digestAuth) issue() string {
	n := token()
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.order) == maxNonces {
		delete(d.nonces, d.order[0])
		d.order = d.order[1:]
	}
	d.nonces[n] = true
	d.order = append(d.order, n)
	return n
}

func (d *digestAuth) known(n string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nonces[n]
}

func token() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on Linux
	return hex.EncodeToString(b[:])
}
