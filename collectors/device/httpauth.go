package device

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/icholy/digest"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// authBackoff is how long credentials a device refused are not offered
// again: Hikvision locks an account after a few failures, so a wrong
// password file must not be retried every round. A changed file is tried at
// once (its hash differs).
const authBackoff = 5 * time.Minute

// httpClients holds the transports shared by all devices: keep-alive
// connections make a 30 s round cost one request, not a TCP and TLS setup.
type httpClients struct {
	base, insecure *http.Transport
	maxBody        int64
	timeout        time.Duration
}

func newHTTPClients(cfg Config) *httpClients {
	mk := func(insecure bool) *http.Transport {
		return &http.Transport{
			DialContext:           (&net.Dialer{Timeout: cfg.RequestTimeout}).DialContext,
			TLSHandshakeTimeout:   cfg.RequestTimeout,
			ResponseHeaderTimeout: cfg.RequestTimeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       2 * cfg.Interval,
			// Devices with self-signed certificates: only when the profile
			// says so; the operator chose that vendor's box.
			TLSClientConfig: &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // per profile
		}
	}
	return &httpClients{base: mk(false), insecure: mk(true), maxBody: cfg.MaxBodyBytes, timeout: cfg.RequestTimeout}
}

func (h *httpClients) close() {
	h.base.CloseIdleConnections()
	h.insecure.CloseIdleConnections()
}

// credentials are a target's username and password (from password_file);
// key identifies them without holding the password.
type credentials struct {
	user string
	pass secret.Secret
	key  string
}

// readCredentials reads username + password_file for auth basic or digest;
// it runs every round so that a rotated file is picked up.
func readCredentials(params map[string]string, auth string) (credentials, error) {
	if auth == "none" || auth == "" {
		return credentials{}, nil
	}
	c := credentials{user: params["username"]}
	if c.user == "" {
		return c, fmt.Errorf("%w: auth %s needs the username param", ErrConfig, auth)
	}
	if params["password_file"] == "" {
		return c, fmt.Errorf("%w: auth %s needs the password_file param", ErrConfig, auth)
	}
	pass, err := secret.FromFile(params["password_file"])
	if err != nil {
		return c, fmt.Errorf("%w: password_file: %w", ErrConfig, err)
	}
	c.pass = pass
	sum := sha256.Sum256([]byte(auth + "\x00" + c.user + "\x00" + pass.Reveal()))
	c.key = hex.EncodeToString(sum[:8])
	return c, nil
}

// authTransport is a target's round tripper: digest (with its nonce cache),
// basic, or none, and when its credentials were last refused.
type authTransport struct {
	key     string
	rt      http.RoundTripper
	refused time.Time
}

// transport returns the target's round tripper for creds, building a new
// one when the credentials (or the profile's auth) changed.
func (r *round) transport(creds credentials) *authTransport {
	h := r.p.HTTP
	key := h.Auth + "|" + creds.key + fmt.Sprint(h.InsecureTLS)
	if r.st.auth != nil && r.st.auth.key == key {
		return r.st.auth
	}
	base := r.c.http.base
	if h.InsecureTLS {
		base = r.c.http.insecure
	}
	var rt http.RoundTripper = base
	switch h.Auth {
	case "digest":
		rt = &digest.Transport{Username: creds.user, Password: creds.pass.Reveal(), Transport: base}
	case "basic":
		rt = basicTransport{user: creds.user, pass: creds.pass, next: base}
	}
	r.st.auth = &authTransport{key: key, rt: rt}
	return r.st.auth
}

// basicTransport adds HTTP basic credentials to every request.
type basicTransport struct {
	user string
	pass secret.Secret
	next http.RoundTripper
}

func (b basicTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.SetBasicAuth(b.user, b.pass.Reveal())
	return b.next.RoundTrip(req)
}
