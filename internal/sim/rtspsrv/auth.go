package rtspsrv

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// AuthMethod is how a path asks for credentials.
type AuthMethod int

const (
	AuthNone   AuthMethod = iota
	AuthBasic             // RFC 2617 Basic
	AuthDigest            // RFC 2617 Digest, MD5, qop optional
)

// Auth is a path's credentials. The password is never logged or echoed.
type Auth struct {
	Method   AuthMethod
	Username string
	Password string
}

// nonceTTL is how long a Digest nonce is accepted. A session's requests come
// within seconds of its 401; vdk reuses the nonce for its keep-alives, which
// need no credentials here.
const nonceTTL = 10 * time.Minute

// nonces makes and checks stateless Digest nonces: the issue time and an
// HMAC of it under a key drawn at start, so no table of nonces is kept.
type nonces struct{ key [32]byte }

func newNonces() *nonces {
	n := &nonces{}
	_, _ = rand.Read(n.key[:]) // crypto/rand never fails on Linux
	return n
}

func (n *nonces) make(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.Unix()))
	m := hmac.New(sha256.New, n.key[:])
	m.Write(b[:8])
	copy(b[8:], m.Sum(nil))
	return hex.EncodeToString(b[:])
}

// valid tells whether nonce is one of ours; stale when it is but too old.
func (n *nonces) valid(nonce string, now time.Time) (ok, stale bool) {
	b, err := hex.DecodeString(nonce)
	if err != nil || len(b) != 16 {
		return false, false
	}
	m := hmac.New(sha256.New, n.key[:])
	m.Write(b[:8])
	if !hmac.Equal(m.Sum(nil)[:8], b[8:]) {
		return false, false
	}
	age := now.Sub(time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0))
	if age < -time.Minute || age > nonceTTL {
		return false, true
	}
	return true, false
}

// Guard checks Basic and Digest credentials (RFC 2617) against a realm. The
// scheme is the same for RTSP and HTTP, so the park's snapshot endpoints use
// a Guard too. Nonces are stateless (see nonces).
type Guard struct {
	realm  string
	nonces *nonces
	now    func() time.Time
}

// NewGuard makes a Guard; now is its clock (time.Now when nil).
func NewGuard(realm string, now func() time.Time) *Guard {
	if now == nil {
		now = time.Now
	}
	return &Guard{realm: realm, nonces: newNonces(), now: now}
}

// Challenge is the WWW-Authenticate value of a 401 for a. qop offers
// qop="auth", as HTTP cameras (Hikvision ISAPI) do; RTSP cameras and vdk's
// client do without it.
func (g *Guard) Challenge(a Auth, stale, qop bool) string {
	if a.Method == AuthBasic {
		return fmt.Sprintf("Basic realm=%q", g.realm)
	}
	c := fmt.Sprintf("Digest realm=%q, nonce=%q", g.realm, g.nonces.make(g.now()))
	if qop {
		c += `, qop="auth"`
	}
	if stale {
		c += `, stale="TRUE"`
	} else {
		c += `, stale="FALSE"`
	}
	return c
}

// Check tells whether an Authorization header value carries a's credentials
// for a request with this method; stale says a Digest answer used an expired
// nonce of ours (the client may retry with a new one).
func (g *Guard) Check(a Auth, method, authorization string) (ok, stale bool) {
	scheme, rest, _ := strings.Cut(authorization, " ")
	switch {
	case a.Method == AuthNone:
		return true, false
	case a.Method == AuthBasic && strings.EqualFold(scheme, "Basic"):
		want := base64.StdEncoding.EncodeToString([]byte(a.Username + ":" + a.Password))
		return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(rest)), []byte(want)) == 1, false
	case a.Method == AuthDigest && strings.EqualFold(scheme, "Digest"):
		return g.digestOK(a, method, parseAuthParams(rest))
	}
	return false, false
}

func (g *Guard) digestOK(a Auth, method string, p map[string]string) (ok, stale bool) {
	if p["username"] != a.Username || p["realm"] != g.realm || p["uri"] == "" {
		return false, false
	}
	if alg := p["algorithm"]; alg != "" && !strings.EqualFold(alg, "MD5") {
		return false, false
	}
	if ok, stale := g.nonces.valid(p["nonce"], g.now()); !ok {
		return false, stale
	}
	ha1 := md5hex(a.Username + ":" + g.realm + ":" + a.Password)
	ha2 := md5hex(method + ":" + p["uri"])
	var want string
	switch p["qop"] {
	case "":
		want = md5hex(ha1 + ":" + p["nonce"] + ":" + ha2)
	case "auth":
		want = md5hex(ha1 + ":" + p["nonce"] + ":" + p["nc"] + ":" + p["cnonce"] + ":auth:" + ha2)
	default:
		return false, false
	}
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(p["response"])), []byte(want)) == 1, false
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// parseAuthParams reads the comma-separated k=v and k="quoted" pairs of a
// Digest Authorization header. Keys are lower-cased; a malformed tail ends
// the parse (what was read so far is kept, and fails the check if short).
func parseAuthParams(s string) map[string]string {
	out := map[string]string{}
	for len(out) < 16 {
		s = strings.TrimLeft(s, " \t,")
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			return out
		}
		k = strings.ToLower(strings.TrimSpace(k))
		rest = strings.TrimLeft(rest, " \t")
		var v string
		if strings.HasPrefix(rest, `"`) {
			v, rest, ok = unquote(rest[1:])
			if !ok {
				return out
			}
		} else {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			v, rest = strings.TrimSpace(rest[:end]), rest[end:]
		}
		out[k] = v
		s = rest
	}
	return out
}

// unquote reads a quoted-string body up to its closing quote (\ escapes the
// next character) and returns the value and what follows the quote.
func unquote(s string) (string, string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}
