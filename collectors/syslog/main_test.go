package syslog

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/snmptrap"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// memSink is the listeners' shared test sink.
type memSink = collectortest.EventSink

func newMemSink() *memSink { return collectortest.NewEventSink() }

// testDevices is the inventory of the tests: 127.0.0.1 is a core switch of
// 湖滨区; other addresses are no device.
func testDevices() *snmptrap.Devices {
	var d snmptrap.Devices
	d.Update([]inventory.Target{{Name: "core-sw-01", Kind: "snmp", Address: "127.0.0.1:161",
		District: "湖滨区", Site: "市政务中心", System: "电子政务外网", Labels: map[string]string{"kind": "switch"}}})
	return &d
}

// start runs a receiver on the given config with the test inventory and
// stops it when the test ends.
func start(t testing.TB, cfg Config, sink collectors.EventSink, cl Classifier) *Receiver {
	t.Helper()
	r, err := New(cfg, Deps{Resolve: testDevices().Resolve, Sink: sink, Classifier: cl})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("Run did not return 10 s after its context ended")
		}
	})
	return r
}

// local listens on every transport of 127.0.0.1 at free ports.
func local() Config {
	return Config{UDP: "127.0.0.1:0", TCP: "127.0.0.1:0"}
}

// counter reads a metric of this package.
func counter(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }

// certs makes a CA, a server certificate for 127.0.0.1 and a client
// certificate, as PEM files in dir.
type certFiles struct{ CA, Cert, Key, ClientCert, ClientKey string }

func makeCerts(t testing.TB) certFiles {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "swanwatch test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	f := certFiles{CA: filepath.Join(dir, "ca.pem")}
	writePEM(t, f.CA, "CERTIFICATE", caDER)
	leaf := func(name string, serial int64, usage x509.ExtKeyUsage) (string, string) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		kder, err := x509.MarshalPKCS8PrivateKey(key)
		require.NoError(t, err)
		cert, kf := filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem")
		writePEM(t, cert, "CERTIFICATE", der)
		writePEM(t, kf, "PRIVATE KEY", kder)
		return cert, kf
	}
	f.Cert, f.Key = leaf("server", 2, x509.ExtKeyUsageServerAuth)
	f.ClientCert, f.ClientKey = leaf("client", 3, x509.ExtKeyUsageClientAuth)
	return f
}

func writePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
}
