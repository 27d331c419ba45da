package syslog

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"
)

// Config is the `syslog` section of swanwatch.yaml. A listener whose address is
// empty is off; at least one must be on.
type Config struct {
	// UDP, TCP and TLS are listen addresses ("0.0.0.0:514", "[::]:6514",
	// ":514"). TCP and TLS accept octet-counted (RFC 6587 3.4.1, RFC 5425) and
	// LF-terminated frames, told apart frame by frame.
	UDP string `yaml:"udp"`
	TCP string `yaml:"tcp"`
	TLS string `yaml:"tls"`
	// CertFile and KeyFile (PEM) are the TLS listener's certificate and key.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ClientCAFile, when set, makes TLS senders present a certificate signed
	// by one of its CAs (mutual TLS, RFC 5425 section 5.2).
	ClientCAFile string `yaml:"client_ca_file"`

	// RatePerSource (lines/s) and Burst bound one sender address. Over the
	// rate a UDP line is dropped and counted; a TCP/TLS connection is paced
	// (its reads wait for the token), so the sender's own queue holds the
	// excess and nothing is lost. Defaults 2,000/s and 10,000: a busy border
	// firewall logging sessions reaches a few thousand lines a second.
	RatePerSource float64 `yaml:"rate_per_source"`
	Burst         int     `yaml:"burst"`
	// MaxSources bounds the per-source limiter table (LRU); default 10,000.
	MaxSources int `yaml:"max_sources"`
	// MaxConnections bounds open TCP and TLS connections together; default 1,000.
	MaxConnections int `yaml:"max_connections"`
	// MaxMessageSize is the largest frame accepted (bytes); larger frames are
	// discarded and counted as oversized. Default 64 KiB. The stored text is
	// cut at 8 KiB whatever this is.
	MaxMessageSize int `yaml:"max_message_size"`
	// IdleTimeout closes a TCP/TLS connection that sent nothing for that long;
	// default 10 minutes (rsyslog keeps its forwarding session open).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// QueueSize bounds the lines received but not yet handed to the sink
	// (about 1 KiB each); default 65,536. Half of it is the largest batch
	// handed to the store, whose fsync per batch bounds the rate.
	QueueSize int `yaml:"queue_size"`
}

// Limits of the configuration.
const (
	minMessageSize = 480 // RFC 3164's minimum a receiver must accept
	maxMessageSize = 1 << 20
)

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	if c.RatePerSource == 0 {
		c.RatePerSource = 2000
	}
	if c.Burst == 0 {
		c.Burst = max(int(5*c.RatePerSource), 1)
	}
	if c.MaxSources == 0 {
		c.MaxSources = 10_000
	}
	if c.MaxConnections == 0 {
		c.MaxConnections = 1000
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = 64 << 10
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = 10 * time.Minute
	}
	if c.QueueSize == 0 {
		c.QueueSize = 65_536
	}
	return c
}

// Validate reports every problem of a defaulted configuration, in words an
// operator can act on. It loads the TLS files, so a bad key is found at start.
func (c Config) Validate() error {
	var errs []error
	if c.UDP == "" && c.TCP == "" && c.TLS == "" {
		errs = append(errs, errors.New("syslog: no listener: set udp, tcp or tls"))
	}
	for _, l := range []struct{ name, addr string }{{"udp", c.UDP}, {"tcp", c.TCP}, {"tls", c.TLS}} {
		if err := checkListen(l.addr); err != nil {
			errs = append(errs, fmt.Errorf("syslog %s %q: %w", l.name, l.addr, err))
		}
	}
	if c.RatePerSource <= 0 || c.Burst < 1 || c.MaxSources < 1 || c.MaxConnections < 1 || c.QueueSize < 1 {
		errs = append(errs, fmt.Errorf("syslog: rate_per_source %v, burst %d, max_sources %d, max_connections %d and queue_size %d must be positive",
			c.RatePerSource, c.Burst, c.MaxSources, c.MaxConnections, c.QueueSize))
	}
	if c.MaxMessageSize < minMessageSize || c.MaxMessageSize > maxMessageSize {
		errs = append(errs, fmt.Errorf("syslog: max_message_size %d must be between %d and %d bytes",
			c.MaxMessageSize, minMessageSize, maxMessageSize))
	}
	if c.IdleTimeout < time.Second {
		errs = append(errs, fmt.Errorf("syslog: idle_timeout %s is shorter than a second", c.IdleTimeout))
	}
	if c.TLS != "" {
		if _, err := c.tlsConfig(); err != nil {
			errs = append(errs, err)
		}
	} else if c.CertFile != "" || c.KeyFile != "" || c.ClientCAFile != "" {
		errs = append(errs, errors.New("syslog: cert_file, key_file or client_ca_file set without a tls listen address"))
	}
	return errors.Join(errs...)
}

// checkListen accepts "host:port" with an IP literal or an empty host.
func checkListen(addr string) error {
	if addr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host != "" {
		if _, err := netip.ParseAddr(host); err != nil {
			return fmt.Errorf("host must be an IP address: %w", err)
		}
	}
	if p, err := net.LookupPort("tcp", port); err != nil || p < 0 {
		return fmt.Errorf("bad port %q", port)
	}
	return nil
}

// tlsConfig loads the certificate, key and client CAs. Errors name the file,
// never its content.
func (c Config) tlsConfig() (*tls.Config, error) {
	if c.CertFile == "" || c.KeyFile == "" {
		return nil, errors.New("syslog tls: cert_file and key_file are required")
	}
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("syslog tls: load certificate %s and key %s: %w", c.CertFile, c.KeyFile, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if c.ClientCAFile != "" {
		pem, err := os.ReadFile(c.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("syslog tls: client_ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("syslog tls: client_ca_file %s holds no PEM certificate", c.ClientCAFile)
		}
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}
