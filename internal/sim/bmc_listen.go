package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// bmcListeners serves every BMC: one TLS listener per BMC address (each
// with its own self-signed certificate, as each BMC makes its own), one
// http.Server over all of them. The handler tells the BMCs apart by the
// local address a request came in on.
type bmcListeners struct {
	srv *http.Server
	lns []net.Listener
	wg  sync.WaitGroup
}

// bmcBindTries: the port picked on the first address may be taken on
// another; a new port is tried this many times.
const bmcBindTries = 8

// listen binds every BMC on one port of its own loopback address; where
// 127.33/16 cannot be bound (not Linux), every BMC takes 127.0.0.1 and a
// port of its own.
func (f *bmcFleet) listen(now func() float64) error {
	f.now, f.start = now, now()
	if len(f.servers) == 0 {
		return nil
	}
	lns, err := f.bindAll()
	if err != nil {
		return err
	}
	byAddr := map[string]*bmcServer{}
	l := &bmcListeners{}
	for i, s := range f.servers {
		s.addr = lns[i].Addr().String()
		byAddr[s.addr] = s
		cert, err := selfSigned(s.target(), lns[i].Addr().(*net.TCPAddr).IP)
		if err != nil {
			closeAll(lns)
			return err
		}
		l.lns = append(l.lns, tls.NewListener(lns[i], &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}))
	}
	l.srv = &http.Server{Handler: &bmcHandler{byAddr: byAddr}, ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(slog.DiscardHandler, slog.LevelDebug)}
	f.srv = l
	return nil
}

// bindAll binds one TCP listener per server.
func (f *bmcFleet) bindAll() ([]net.Listener, error) {
	var lastErr error
	for range bmcBindTries {
		lns, err := bindOnePort(len(f.servers))
		if err == nil {
			return lns, nil
		}
		lastErr = err
		if errors.Is(err, syscall.EADDRNOTAVAIL) {
			return bindLoopback(len(f.servers))
		}
	}
	return nil, fmt.Errorf("bmc listeners: %w", lastErr)
}

// bindOnePort binds 127.33.x.y for n servers on the port the first one got.
func bindOnePort(n int) ([]net.Listener, error) {
	first, err := net.Listen("tcp", bmcIP(0)+":0")
	if err != nil {
		return nil, err
	}
	port := strconv.Itoa(first.Addr().(*net.TCPAddr).Port)
	lns := []net.Listener{first}
	for i := 1; i < n; i++ {
		ln, err := net.Listen("tcp", bmcIP(i)+":"+port)
		if err != nil {
			closeAll(lns)
			return nil, err
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

// bindLoopback gives every server a free port of 127.0.0.1.
func bindLoopback(n int) ([]net.Listener, error) {
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			closeAll(lns)
			return nil, fmt.Errorf("bmc listeners: %w", err)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

func closeAll(lns []net.Listener) {
	for _, ln := range lns {
		_ = ln.Close()
	}
}

// serve answers on every listener until close.
func (f *bmcFleet) serve() {
	if f.srv == nil {
		return
	}
	for _, ln := range f.srv.lns {
		f.srv.wg.Go(func() { _ = f.srv.srv.Serve(ln) })
	}
}

// close stops the listeners and open connections.
func (f *bmcFleet) close() {
	if f.srv == nil {
		return
	}
	_ = f.srv.srv.Close()
	closeAll(f.srv.lns) // those serve never took
	f.srv.wg.Wait()
}

// selfSigned makes a BMC's certificate: ECDSA P-256, its name and address,
// valid ten years from a day ago, as BMCs ship them.
func selfSigned(name string, ip net.IP) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: name, Organization: []string{"BMC"}},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{ip}, DNSNames: []string{name}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
