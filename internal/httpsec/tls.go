package httpsec

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Suites are the TLS 1.2 cipher suites offered: ECDHE key exchange (forward
// secrecy) with AEAD ciphers only. TLS 1.3's suites are all of that kind and
// Go does not let them be chosen.
var Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// recheck is how often the certificate file's modification time is looked at:
// a renewed certificate is served without a restart.
const recheck = 30 * time.Second

var reloadErrors = metrics.NewCounter(`swanwatch_tls_certificate_reload_errors_total`)

// TLSConfig returns the web server's TLS configuration for the PEM files
// certFile and keyFile (server.tls.cert_file, key_file): TLS 1.2 minimum,
// Suites, HTTP/2 and HTTP/1.1. The pair is loaded now (an error names the
// file; an SM2 certificate is refused with ErrSM2Certificate) and again when
// certFile changes; a renewal that does not load keeps the old pair, logged.
// Serve with srv.TLSConfig = cfg and srv.ServeTLS(ln, "", "").
func TLSConfig(certFile, keyFile string, logger *slog.Logger) (*tls.Config, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &certStore{certFile: certFile, keyFile: keyFile, log: logger, now: time.Now}
	if err := s.load(); err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		CipherSuites:   Suites,
		NextProtos:     []string{"h2", "http/1.1"},
		GetCertificate: s.get,
	}, nil
}

// certStore holds the current pair and reloads it when the file changes.
type certStore struct {
	certFile, keyFile string
	log               *slog.Logger
	now               func() time.Time
	mu                sync.Mutex
	cert              *tls.Certificate
	mod               time.Time
	checked           time.Time
}

func (s *certStore) load() error {
	fi, err := os.Stat(s.certFile)
	if err != nil {
		return fmt.Errorf("TLS certificate: %w", err)
	}
	pair, err := tls.LoadX509KeyPair(s.certFile, s.keyFile)
	if err != nil {
		if sm2 := sm2Refusal(s.certFile); sm2 != nil {
			return sm2
		}
		return fmt.Errorf("TLS certificate %s with key %s: %w", s.certFile, s.keyFile, err)
	}
	s.mu.Lock()
	s.cert, s.mod, s.checked = &pair, fi.ModTime(), s.now()
	s.mu.Unlock()
	return nil
}

func (s *certStore) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	s.mu.Lock()
	due := s.now().Sub(s.checked) >= recheck
	if due {
		s.checked = s.now()
	}
	cert, mod := s.cert, s.mod
	s.mu.Unlock()
	if !due {
		return cert, nil
	}
	if fi, err := os.Stat(s.certFile); err == nil && !fi.ModTime().Equal(mod) {
		if err := s.load(); err != nil {
			reloadErrors.Inc()
			s.log.Error("renewed TLS certificate not loaded; serving the previous one", "err", err)
			return cert, nil
		}
		s.log.Info("TLS certificate reloaded", "file", s.certFile)
		s.mu.Lock()
		cert = s.cert
		s.mu.Unlock()
	}
	return cert, nil
}

// ErrSM2Certificate is returned for an SM2 certificate: crypto/tls cannot use it.
var ErrSM2Certificate = errors.New("SM2 (国密) certificate: Go's TLS stack cannot serve SM2 " +
	"(no SM2 signatures, no SM4 suites, no TLCP); use an RSA or ECDSA certificate for HTTPS " +
	"and a TLCP gateway for SM2")
