package netprobe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const portalPage = "<html><title>三门峡市政务服务网</title><body>欢迎访问 政务服务  平台</body></html>"

func portal(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(portalPage)) })
	mux.HandleFunc("/down", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	mux.HandleFunc("/gone", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) })
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/", http.StatusFound) })
	mux.HandleFunc("/big", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(strings.Repeat("x", 2<<20) + "政务"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// certFor makes a self-signed certificate for 127.0.0.1 valid for days more.
func certFor(t *testing.T, days int) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "portal.smx.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Duration(days) * 24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func httpKey(metric string) string { return metric + `{family="ipv4",probe="http"}` }

func TestHTTPProbe(t *testing.T) {
	srv := portal(t)
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(portalPage)) }))
	tlsSrv.TLS = &tls.Config{Certificates: []tls.Certificate{certFor(t, 30)}}
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	c := newTestCollector(t, Config{})
	cases := []struct {
		name    string
		url     string
		params  map[string]string
		success float64
		status  float64
		match   float64 // -1: no match series
		days    float64 // -1: no cert series
	}{
		{"portal with content", srv.URL, map[string]string{"match": "欢迎访问"}, 1, 200, 1, -1},
		{"content missing", srv.URL, map[string]string{"match": "系统维护中"}, 0, 200, 0, -1},
		{"regexp", srv.URL, map[string]string{"match_regexp": `政务服务\s+平台`}, 1, 200, 1, -1},
		{"no match asked", srv.URL, nil, 1, 200, -1, -1},
		{"server error", srv.URL + "/down", nil, 0, 503, -1, -1},
		{"expected 404", srv.URL + "/gone", map[string]string{"expect_status": "404"}, 1, 404, -1, -1},
		{"redirect followed", srv.URL + "/old", map[string]string{"match": "欢迎"}, 1, 200, 1, -1},
		{"match beyond the read bound", srv.URL + "/big", map[string]string{"match": "政务"}, 0, 200, 0, -1},
		{"tls days left", tlsSrv.URL, map[string]string{"insecure_skip_verify": "true", "match": "欢迎"}, 1, 200, 1, 30},
		{"tls unknown authority", tlsSrv.URL, nil, 0, 0, -1, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := map[string]string{"probe": ProbeHTTP}
			for k, v := range tc.params {
				p[k] = v
			}
			tgt := target("portal", p)
			tgt.Address = tc.url
			rec, err, _ := collect(t, c, tgt, 10*time.Second)
			require.NoError(t, err)
			assert.Equal(t, tc.success, value(t, rec, httpKey("probe_success")))
			assert.Equal(t, tc.status, value(t, rec, httpKey("probe_http_status_code")))
			assert.Positive(t, value(t, rec, httpKey("probe_duration_seconds")))
			m, hasMatch := rec.Value(httpKey("probe_http_content_match"))
			assert.Equal(t, tc.match >= 0, hasMatch)
			if hasMatch {
				assert.Equal(t, tc.match, m)
			}
			d, hasDays := rec.Value(httpKey("probe_tls_cert_days_left"))
			assert.Equal(t, tc.days >= 0, hasDays)
			if hasDays {
				assert.InDelta(t, tc.days, d, 0.01)
			}
		})
	}
}

// silentServer accepts connections and never answers.
func silentServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	var conns []net.Conn
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String() + "/"
}

func TestHTTPSilentServer(t *testing.T) {
	url := silentServer(t)
	tgt := target("silent", map[string]string{"probe": ProbeHTTP})
	tgt.Address = url
	t.Run("probe timeout: a result", func(t *testing.T) {
		c := newTestCollector(t, Config{ProbeTimeout: 300 * time.Millisecond})
		rec, err, took := collectWithin(t, c, tgt, 5*time.Second, 300*time.Millisecond+deadlineSlack)
		require.NoError(t, err)
		assert.Equal(t, 0.0, value(t, rec, httpKey("probe_success")))
		assert.Equal(t, 0.0, value(t, rec, httpKey("probe_http_status_code")))
		assert.Less(t, took, 300*time.Millisecond+deadlineSlack)
	})
	t.Run("ctx first: a failed round", func(t *testing.T) {
		c := newTestCollector(t, Config{ProbeTimeout: 5 * time.Second})
		rec, err, took := collectWithin(t, c, tgt, 300*time.Millisecond, 300*time.Millisecond+deadlineSlack)
		require.Error(t, err)
		assert.Less(t, took, 300*time.Millisecond+deadlineSlack)
		assert.Empty(t, rec.Series())
	})
}

// TestHTTPFamilyParamPinsTheDial: the family param turns the transport's
// "tcp" dial into tcp4 or tcp6 (for host names with both kinds of address;
// this machine's /etc/hosts has none, so the dialer is tested directly).
func TestHTTPFamilyParamPinsTheDial(t *testing.T) {
	l, err := net.Listen("tcp", "[::1]:0")
	require.NoError(t, err)
	defer l.Close()
	c := newTestCollector(t, Config{})
	dial := c.http.verify.Transport.(*http.Transport).DialContext
	for fam, ok := range map[string]bool{FamilyV4: false, FamilyV6: true, "": true} {
		conn, err := dial(context.WithValue(context.Background(), familyKey{}, fam), "tcp", l.Addr().String())
		if ok {
			require.NoError(t, err, "family %q", fam)
			conn.Close()
		} else {
			assert.Error(t, err, "family %q dials an IPv6 address", fam)
		}
	}
}
