package libvirt

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Default ports of libvirtd's TCP and TLS listeners.
const (
	defaultTCPPort = "16509"
	defaultTLSPort = "16514"
	// DefaultURI is the connect URI when the target sets no `uri` param.
	DefaultURI = "qemu:///system"
)

// endpoint is where and how one target's libvirtd is reached.
type endpoint struct {
	network    string // "unix" or "tcp"
	addr       string // socket path or host:port
	tls        bool
	uri        string // connect URI sent to libvirtd
	caFile     string
	certFile   string // client certificate (libvirtd checks it by default)
	keyFile    string
	skipVerify bool
}

// parseEndpoint reads a target's address (unix:///path, tcp://host[:port],
// tls://host[:port]) and params (uri, ca_file, cert_file, key_file,
// tls_skip_verify). Errors name what is wrong in words an operator can act on.
func parseEndpoint(raw string, params map[string]string) (endpoint, error) {
	address := redact(raw) // for messages: a password typed into the address stays out of logs
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// not url's own message: it quotes pieces of the address, which may hold a password
		return endpoint{}, fmt.Errorf("libvirt address %q is not a URL like tcp://host:16509", address)
	}
	if u.User != nil {
		return endpoint{}, errors.New("libvirt address must not carry credentials: use the username and password_file params")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return endpoint{}, fmt.Errorf("libvirt address %q: no query or fragment allowed, settings go in params", address)
	}
	ep := endpoint{uri: DefaultURI}
	switch u.Scheme {
	case "unix":
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasSuffix(u.Path, "/") {
			return endpoint{}, fmt.Errorf("libvirt address %q: want unix:///absolute/path/libvirt-sock", address)
		}
		ep.network, ep.addr = "unix", u.Path
	case "tcp", "tls":
		ep.tls = u.Scheme == "tls"
		port := defaultTCPPort
		if ep.tls {
			port = defaultTLSPort
		}
		if ep.addr, err = hostPort(u, port); err != nil {
			return endpoint{}, fmt.Errorf("libvirt address %q: %w", address, err)
		}
		ep.network = "tcp"
	default:
		return endpoint{}, fmt.Errorf("libvirt address %q: scheme must be unix, tcp or tls", address)
	}
	if err := ep.readParams(params); err != nil {
		return endpoint{}, err
	}
	return ep, nil
}

// redact hides what comes before an @ (user:password) in an address.
func redact(a string) string {
	at := strings.LastIndex(a, "@")
	if at < 0 {
		return a
	}
	start := 0
	if i := strings.Index(a, "://"); i >= 0 && i < at {
		start = i + 3
	}
	return a[:start] + "…" + a[at:]
}

// hostPort checks the host and port of a tcp:// or tls:// address.
func hostPort(u *url.URL, defPort string) (string, error) {
	if u.Path != "" && u.Path != "/" {
		return "", errors.New("want tcp://host[:port] or tls://host[:port] without a path")
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return "", errors.New("host missing")
	}
	if port == "" {
		if strings.HasSuffix(u.Host, ":") {
			return "", errors.New("empty port")
		}
		port = defPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("port %q out of range 1–65535", port)
	}
	return net.JoinHostPort(host, port), nil
}

// readParams takes the connect URI and the TLS settings from the target's params.
func (ep *endpoint) readParams(params map[string]string) error {
	if v := strings.TrimSpace(params["uri"]); v != "" {
		if err := checkURI(v); err != nil {
			return err
		}
		ep.uri = v
	}
	ep.caFile, ep.certFile, ep.keyFile = params["ca_file"], params["cert_file"], params["key_file"]
	if (ep.certFile == "") != (ep.keyFile == "") {
		return errors.New("libvirt: cert_file and key_file go together")
	}
	if v := params["tls_skip_verify"]; v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("libvirt: tls_skip_verify %q is not true or false", v)
		}
		ep.skipVerify = b
	}
	if !ep.tls && (ep.caFile != "" || ep.certFile != "" || ep.skipVerify) {
		return errors.New("libvirt: ca_file, cert_file, key_file and tls_skip_verify need a tls:// address")
	}
	return nil
}

// checkURI accepts a libvirt connect URI such as qemu:///system or
// test:///path/node.xml. Transport suffixes (qemu+ssh://) and a socket
// query are the client library's business, not the daemon's: refuse them
// rather than send libvirtd something it will misread.
func checkURI(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return fmt.Errorf("libvirt: uri %q is not a connect URI like qemu:///system", v)
	}
	if strings.Contains(u.Scheme, "+") || u.RawQuery != "" {
		return fmt.Errorf("libvirt: uri %q: give the driver URI (qemu:///system); the address says how to reach libvirtd", v)
	}
	if u.Host != "" {
		return fmt.Errorf("libvirt: uri %q names a host; the address says which host", v)
	}
	if u.User != nil {
		return errors.New("libvirt: uri must not carry credentials")
	}
	return nil
}
