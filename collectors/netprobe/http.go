package netprobe

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// httpClients holds one client that verifies certificates and one that does
// not (insecure_skip_verify, for test certificates). Keep-alives are off: each
// probe measures a fresh connection, as a citizen's first visit would, and 200
// checks keep no idle sockets between rounds. No proxy from the environment: a
// probe measures the path to the service, not to a proxy.
type httpClients struct {
	verify, insecure *http.Client
}

type familyKey struct{}

func newHTTPClients() httpClients {
	return httpClients{verify: newHTTPClient(false), insecure: newHTTPClient(true)}
}

func newHTTPClient(insecure bool) *http.Client {
	d := &net.Dialer{}
	tr := &http.Transport{
		DisableKeepAlives: true,
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: insecure}, //nolint:gosec // opt-in per target, for test certificates
		// A target's `family` param pins the dial to IPv4 or IPv6.
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			switch ctx.Value(familyKey{}) {
			case FamilyV4:
				network = "tcp4"
			case FamilyV6:
				network = "tcp6"
			}
			return d.DialContext(ctx, network, addr)
		},
	}
	return &http.Client{Transport: tr}
}

func (h httpClients) close() {
	h.verify.CloseIdleConnections()
	h.insecure.CloseIdleConnections()
}

// httpResult is one HTTP exchange.
type httpResult struct {
	status   int
	matched  bool
	tls      bool
	certDays float64 // days until the earliest NotAfter of the presented chain
	err      error
}

// collectHTTP fetches the URL once; a failed exchange is a result, a ctx that
// ended first fails the round.
func (c *Collector) collectHTTP(ctx context.Context, s spec, emit collectors.Emit) error {
	pctx, cancel := context.WithTimeout(context.WithValue(ctx, familyKey{}, s.family), c.cfg.ProbeTimeout)
	defer cancel()
	start := time.Now()
	r := c.fetch(pctx, s)
	took := time.Since(start)
	if r.err != nil && roundOver(ctx) != nil {
		return fmt.Errorf("http probe %s: %w", s.url, roundOver(ctx))
	}
	if r.err != nil {
		c.log.Debug("http probe failed", "url", s.url, "err", r.err)
	}
	hasMatch := s.match != "" || s.re != nil
	ok := r.err == nil && s.expect.has(r.status) && (!hasMatch || r.matched)
	l := labels(ProbeHTTP, s.family)
	emit("probe_success", boolValue(ok), l...)
	emit("probe_duration_seconds", took.Seconds(), l...)
	emit("probe_http_status_code", float64(r.status), l...)
	if hasMatch {
		emit("probe_http_content_match", boolValue(r.matched), l...)
	}
	if r.tls {
		emit("probe_tls_cert_days_left", r.certDays, l...)
	}
	return nil
}

// fetch GETs the URL and reads at most MaxBodyBytes of the body.
func (c *Collector) fetch(ctx context.Context, s spec) httpResult {
	client := c.http.verify
	if s.insecure {
		client = c.http.insecure
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return httpResult{err: fmt.Errorf("build request: %w", err)}
	}
	req.Header.Set("User-Agent", "SwanWatch-netprobe/1")
	resp, err := client.Do(req)
	if err != nil {
		return httpResult{err: err}
	}
	defer resp.Body.Close()
	r := httpResult{status: resp.StatusCode}
	if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		r.tls, r.certDays = true, certDaysLeft(resp.TLS, time.Now())
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes))
	if err != nil {
		r.err = fmt.Errorf("read body: %w", err)
		return r
	}
	r.matched = (s.match == "" || bytes.Contains(body, []byte(s.match))) && (s.re == nil || s.re.Match(body))
	return r
}

// certDaysLeft is the time to the earliest expiry in the chain, in days: an
// intermediate that expires breaks the site as surely as the leaf.
func certDaysLeft(st *tls.ConnectionState, now time.Time) float64 {
	earliest := st.PeerCertificates[0].NotAfter
	for _, c := range st.PeerCertificates[1:] {
		if c.NotAfter.Before(earliest) {
			earliest = c.NotAfter
		}
	}
	return earliest.Sub(now).Hours() / 24
}
