package devicefake

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// Auth is what a fake requires of a request.
type Auth struct {
	Scheme   string // "" (none), "basic" or "digest"
	User     string
	Password string
	Realm    string // digest realm; "DS-fake" when empty
	// NonceUses limits how many requests a digest nonce is good for; the
	// next use is answered 401 without a challenge, as Hikvision firmware
	// V4.48 does on the third use (0: unlimited).
	NonceUses int
}

// nonceBook tracks the digest nonces a fake handed out.
type nonceBook struct {
	uses map[string]int
}

// authorize checks r against the fake's Auth and writes the refusal.
func (b *Box) authorize(w http.ResponseWriter, r *http.Request) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	a := b.auth
	switch a.Scheme {
	case "":
		return true
	case "basic":
		user, pass, ok := r.BasicAuth()
		if ok && equal(user, a.User) && equal(pass, a.Password) {
			return true
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="devicefake"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return false
	}
	return b.digest(w, r, a)
}

// digest verifies RFC 7616 MD5 digest with qop auth, written here from the
// RFC rather than with the client library the collector uses, so that the
// two check each other.
func (b *Box) digest(w http.ResponseWriter, r *http.Request, a Auth) bool {
	realm := a.Realm
	if realm == "" {
		realm = "DS-fake"
	}
	p, ok := parseDigest(r.Header.Get("Authorization"))
	uses, known := b.nonce.uses[p["nonce"]]
	switch {
	case !ok || !known:
		return b.challenge(w, realm)
	case a.NonceUses > 0 && uses >= a.NonceUses:
		delete(b.nonce.uses, p["nonce"])
		// Hikvision: a worn-out nonce is refused without a new challenge.
		http.Error(w, "<userCheck><statusValue>401</statusValue></userCheck>", http.StatusUnauthorized)
		return false
	}
	ha1 := md5hex(a.User + ":" + realm + ":" + a.Password)
	ha2 := md5hex(r.Method + ":" + p["uri"])
	want := md5hex(strings.Join([]string{ha1, p["nonce"], p["nc"], p["cnonce"], p["qop"], ha2}, ":"))
	if p["username"] != a.User || p["realm"] != realm || p["qop"] != "auth" || p["uri"] != r.URL.RequestURI() ||
		!equal(p["response"], want) {
		return b.challenge(w, realm)
	}
	b.nonce.uses[p["nonce"]] = uses + 1
	return true
}

func (b *Box) challenge(w http.ResponseWriter, realm string) bool {
	nonce := randomHex(16)
	if len(b.nonce.uses) > 1000 {
		clear(b.nonce.uses)
	}
	b.nonce.uses[nonce] = 0
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Digest realm="%s", qop="auth", nonce="%s", opaque="%s", algorithm=MD5`,
		realm, nonce, randomHex(8)))
	http.Error(w, "unauthorized", http.StatusUnauthorized)
	return false
}

// parseDigest splits `Digest k=v, k="v", ...`.
func parseDigest(h string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(h, "Digest ")
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(strings.TrimPrefix(rest, ",")) {
		k, v, found := strings.Cut(rest, "=")
		if !found {
			return nil, false
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if strings.HasPrefix(v, `"`) {
			end := strings.Index(v[1:], `"`)
			if end < 0 {
				return nil, false
			}
			out[k], rest = v[1:1+end], v[2+end:]
			continue
		}
		val, after, _ := strings.Cut(v, ",")
		out[k], rest = strings.TrimSpace(val), after
	}
	return out, true
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
