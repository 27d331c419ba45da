package testpeer

import (
	"cmp"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"html"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"
)

// libvirtHint is shown when libvirtd is missing.
const libvirtHint = "apt-get install libvirt-daemon libvirt-clients, or run scripts/install-peers.sh"

// LibvirtMetadataNS is the XML namespace of the <metadata> element the
// libvirt driver reads a VM's system and department from.
const LibvirtMetadataNS = "https://github.com/swanwatch/swanwatch/xmlns/libvirt/vm/1"

// LibvirtDomain is one domain of the test driver's inventory.
type LibvirtDomain struct {
	Name      string
	UUID      string // empty: libvirt makes one up
	State     string // "running" (default), "paused" or "shutoff"
	VCPUs     int    // default 2
	MemoryMiB int    // default 2048
	Disks     []string
	NICs      int // interfaces; the test driver names them testnet0, testnet1, …
	Title     string
	System    string // written into <metadata> (LibvirtMetadataNS) when set
	Dept      string
}

// LibvirtPool is one storage pool of the inventory. The test driver gives
// every pool 100 GiB capacity; volumes' allocations are subtracted from it.
type LibvirtPool struct {
	Name       string
	VolumesGiB []int
}

// LibvirtNode is the test driver's inventory (test:///…/node.xml).
type LibvirtNode struct {
	Domains []LibvirtDomain
	Pools   []LibvirtPool
}

// DefaultLibvirtNode is the inventory of ../shared/peers/libvirt.sh plus
// what the driver's tests need: a running VM with metadata, two disks and a
// NIC, a paused one, a shut-off one, and a pool with 30 GiB used.
func DefaultLibvirtNode() LibvirtNode {
	return LibvirtNode{
		Domains: []LibvirtDomain{
			{Name: "gov-web-01", UUID: "6b0c5a52-1d6e-4c1a-9a57-000000000001", VCPUs: 4, MemoryMiB: 4096,
				Disks: []string{"vda", "vdb"}, NICs: 1, System: "门户网站", Dept: "大数据局"},
			{Name: "gov-db-01", State: "paused", VCPUs: 8, MemoryMiB: 8192, Disks: []string{"vda"},
				Title: "人口库/公安局"},
			{Name: "park-nvr-01", State: "shutoff", VCPUs: 2, MemoryMiB: 2048},
		},
		Pools: []LibvirtPool{{Name: "vmstore", VolumesGiB: []int{20, 10}}},
	}
}

// LibvirtPeer is a running libvirtd serving the test driver on a unix socket.
type LibvirtPeer struct {
	*Peer
	Socket  string // DIR/run/libvirt/libvirt-sock
	NodeXML string // the inventory; connect URI "test://" + NodeXML
	TLS     *LibvirtTLS
}

// URI is the connect URI of the peer's inventory.
func (p *LibvirtPeer) URI() string { return "test://" + p.NodeXML }

// Address is the driver's target address for the peer's socket.
func (p *LibvirtPeer) Address() string { return "unix://" + p.Socket }

// Libvirtd starts the real libvirtd (Debian libvirt-daemon) in session mode
// with everything (socket, state, config, log) in a directory of its own and
// the inventory node written as node.xml there.
//
// As root, libvirtd runs as user nobody: as root it would want the system
// paths and the libvirt-qemu user. nobody must be able to reach the
// directory, and t.TempDir() is 0700 under a 0700 parent, with a path long
// enough to break the 108-byte limit of a unix socket path. So the directory
// is a short os.MkdirTemp under os.TempDir() (or /tmp when TMPDIR is not
// traversable by nobody): /tmp is world-traversable on CI's fresh Debian and
// here alike. It is removed when the test ends.
func Libvirtd(t testing.TB, node LibvirtNode) *LibvirtPeer {
	t.Helper()
	return startLibvirtd(t, node, false, false)
}

// LibvirtdTLS is Libvirtd with TLS and plain TCP listeners on 127.0.0.1
// too (libvirtd --listen, auth none), the TLS certificates from a CA made
// for the test; with clientCert, libvirtd demands a client certificate
// from that CA.
func LibvirtdTLS(t testing.TB, node LibvirtNode, clientCert bool) *LibvirtPeer {
	t.Helper()
	return startLibvirtd(t, node, true, clientCert)
}

func startLibvirtd(t testing.TB, node LibvirtNode, withTLS, clientCert bool) *LibvirtPeer {
	t.Helper()
	bin := LookBinary(t, "/usr/sbin/libvirtd", libvirtHint)
	dir := libvirtDir(t)
	p := &LibvirtPeer{Socket: filepath.Join(dir, "run", "libvirt", "libvirt-sock"),
		NodeXML: filepath.Join(dir, "node.xml")}
	if err := os.WriteFile(p.NodeXML, []byte(node.XML()), 0o644); err != nil {
		t.Fatalf("write node.xml: %v", err)
	}
	args := libvirtdArgs(t, dir, bin)
	if withTLS {
		p.TLS = writeLibvirtTLS(t, dir, clientCert)
		args = append(args, "--listen", "--config", filepath.Join(dir, "libvirtd.conf"))
	}
	p.Peer = &Peer{Name: "libvirtd", Dir: dir, Log: filepath.Join(dir, "libvirtd.log"),
		spec: Spec{Name: "libvirtd", Binary: args[0], Args: args[1:]}, bin: args[0]}
	if err := p.launch(); err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(p.Stop)
	p.waitLibvirt(t)
	return p
}

// libvirtDir makes the peer's directory, reachable by nobody, and removes it
// at cleanup (after the peer stopped: cleanups run last-in first-out).
func libvirtDir(t testing.TB) string {
	t.Helper()
	parent := os.TempDir()
	if os.Geteuid() == 0 && !nobodyCanReach(parent) {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "swlv-")
	if err != nil {
		t.Fatalf("libvirtd directory: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatalf("libvirtd directory: %v", err)
	}
	if os.Geteuid() == 0 && !nobodyCanReach(dir) {
		t.Fatalf("user nobody cannot reach %s (every parent needs o+x): libvirtd runs as nobody", dir)
	}
	for _, sub := range []string{"home", "run"} {
		d := filepath.Join(dir, sub)
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatalf("libvirtd directory: %v", err)
		}
		if os.Geteuid() == 0 {
			if err := os.Chown(d, 65534, 65534); err != nil {
				t.Fatalf("libvirtd directory: %v", err)
			}
		}
	}
	return dir
}

// nobodyCanReach reports whether every directory from / to dir is
// traversable by others (nobody owns none of them).
func nobodyCanReach(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for d := abs; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil || st.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == "/" {
			return true
		}
	}
}

// libvirtdArgs is the command line: libvirtd in session mode with a clean
// environment pointing every XDG directory into dir, as nobody when root.
func libvirtdArgs(t testing.TB, dir, bin string) []string {
	env := []string{"env", "-i", "PATH=/usr/sbin:/usr/bin", "HOME=" + filepath.Join(dir, "home"),
		"XDG_RUNTIME_DIR=" + filepath.Join(dir, "run"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "home", ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "home", ".cache"),
		"LIBVIRT_LOG_OUTPUTS=3:stderr",
		bin, "--pid-file", filepath.Join(dir, "run", "libvirtd.pid")}
	if os.Geteuid() != 0 {
		return append([]string{LookBinary(t, "/usr/bin/env", "coreutils")}, env[1:]...)
	}
	// setpriv sets the death signal after dropping to nobody (a uid change
	// clears it), so a test binary killed hard leaves no libvirtd behind.
	return append([]string{LookBinary(t, "/usr/bin/setpriv", "util-linux"),
		"--reuid=65534", "--regid=65534", "--clear-groups", "--pdeathsig", "KILL"}, env...)
}

// waitLibvirt waits until libvirtd answers an RPC on its socket.
func (p *LibvirtPeer) waitLibvirt(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			t.Fatalf("libvirtd exited during start-up:\n%s", p.Tail())
		default:
		}
		if err = p.ping(); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("libvirtd not answering on %s after 20s (%v):\n%s", p.Socket, err, p.Tail())
}

func (p *LibvirtPeer) ping() error {
	if p.TLS != nil {
		for _, port := range []int{p.TLS.Port, p.TLS.TCPPort} {
			c, err := net.DialTimeout("tcp", Addr(port), time.Second)
			if err != nil {
				return err
			}
			c.Close()
		}
	}
	l := libvirt.NewWithDialer(dialers.NewLocal(dialers.WithSocket(p.Socket),
		dialers.WithLocalTimeout(time.Second)))
	if err := l.ConnectToURI(libvirt.ConnectURI(p.URI())); err != nil {
		return err
	}
	return l.Disconnect()
}

// Pid is libvirtd's process id (benchmarks read its CPU time).
func (p *LibvirtPeer) Pid() int { return p.cmd.Process.Pid }

// Kill stops libvirtd with SIGKILL, as a crash would (Stop is a clean exit).
func (p *LibvirtPeer) Kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
}

// Restart starts libvirtd again on the same directory and inventory and
// waits until it answers.
func (p *LibvirtPeer) Restart(t testing.TB) {
	t.Helper()
	p.Kill()
	if err := p.launch(); err != nil {
		t.Fatalf("restart libvirtd: %v", err)
	}
	p.waitLibvirt(t)
}

// XML is the test driver's node document.
func (n LibvirtNode) XML() string {
	var b strings.Builder
	b.WriteString("<node>\n  <cpu><mhz>2400</mhz><model>x86_64</model><active>16</active><nodes>1</nodes>" +
		"<sockets>2</sockets><cores>4</cores><threads>2</threads></cpu>\n  <memory>67108864</memory>\n")
	for i, d := range n.Domains {
		d.write(&b, i)
	}
	for _, pl := range n.Pools {
		fmt.Fprintf(&b, "  <pool type='dir'><name>%s</name><source/><target><path>/pools/%[1]s</path></target>\n",
			html.EscapeString(pl.Name))
		for i, gib := range pl.VolumesGiB {
			fmt.Fprintf(&b, "    <volume><name>vol%d.img</name><capacity unit='GiB'>%d</capacity>"+
				"<allocation unit='GiB'>%[2]d</allocation><target/></volume>\n", i, gib)
		}
		b.WriteString("  </pool>\n")
	}
	b.WriteString("</node>\n")
	return b.String()
}

// runstates are the test driver's <test:runstate> values (virDomainState).
var runstates = map[string]int{"": 1, "running": 1, "paused": 3, "shutoff": 5}

func (d LibvirtDomain) write(b *strings.Builder, idx int) {
	e := html.EscapeString
	fmt.Fprintf(b, "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"+
		"    <test:runstate>%d</test:runstate><name>%s</name>", runstates[d.State], e(d.Name))
	if d.UUID != "" {
		fmt.Fprintf(b, "<uuid>%s</uuid>", e(d.UUID))
	}
	if d.Title != "" {
		fmt.Fprintf(b, "<title>%s</title>", e(d.Title))
	}
	if d.System != "" || d.Dept != "" {
		fmt.Fprintf(b, "\n    <metadata><sw:vm xmlns:sw='%s'><sw:system>%s</sw:system><sw:dept>%s</sw:dept></sw:vm></metadata>",
			LibvirtMetadataNS, e(d.System), e(d.Dept))
	}
	fmt.Fprintf(b, "\n    <memory unit='MiB'>%d</memory><vcpu>%d</vcpu><os><type>hvm</type></os>\n    <devices>",
		cmp.Or(d.MemoryMiB, 2048), cmp.Or(d.VCPUs, 2))
	for _, disk := range d.Disks {
		fmt.Fprintf(b, "<disk type='file' device='disk'><source file='/img/%s-%s.qcow2'/><target dev='%[2]s'/></disk>",
			e(d.Name), e(disk))
	}
	for i := range d.NICs {
		fmt.Fprintf(b, "<interface type='network'><mac address='52:54:00:%02x:%02x:%02x'/><source network='default'/></interface>",
			idx/256, idx%256, i)
	}
	b.WriteString("<memballoon model='virtio'/></devices>\n  </domain>\n")
}

// LibvirtTLS is what a client needs for the peer's TLS listener.
type LibvirtTLS struct {
	Port                  int    // TLS
	TCPPort               int    // plain TCP
	CAFile                string // the test CA, which signed the server's and the client's certificates
	CertFile, KeyFile     string // a client certificate the peer accepts
	OtherCA               string // a CA that signed nothing the peer uses
	RequiresClientCert    bool
	serverCert, serverKey string
}

// Address is the driver's target address for the TLS listener.
func (l *LibvirtTLS) Address() string { return fmt.Sprintf("tls://127.0.0.1:%d", l.Port) }

// TCPAddress is the driver's target address for the plain TCP listener.
func (l *LibvirtTLS) TCPAddress() string { return fmt.Sprintf("tcp://127.0.0.1:%d", l.TCPPort) }

// writeLibvirtTLS makes the test PKI and libvirtd.conf for the listener.
func writeLibvirtTLS(t testing.TB, dir string, clientCert bool) *LibvirtTLS {
	t.Helper()
	pki := filepath.Join(dir, "pki")
	if err := os.Mkdir(pki, 0o755); err != nil {
		t.Fatalf("pki directory: %v", err)
	}
	l := &LibvirtTLS{Port: FreePort(t), TCPPort: FreePort(t), RequiresClientCert: clientCert,
		CAFile: filepath.Join(pki, "cacert.pem"), OtherCA: filepath.Join(pki, "othercacert.pem"),
		CertFile: filepath.Join(pki, "clientcert.pem"), KeyFile: filepath.Join(pki, "clientkey.pem"),
		serverCert: filepath.Join(pki, "servercert.pem"), serverKey: filepath.Join(pki, "serverkey.pem")}
	ca, caKey := newCert(t, "swanwatch test CA", nil, nil)
	other, _ := newCert(t, "another CA", nil, nil)
	srv, srvKey := newCert(t, "127.0.0.1", ca, caKey)
	cli, cliKey := newCert(t, "swanwatch-collector", ca, caKey)
	files := map[string][]byte{l.CAFile: pemCert(ca), l.OtherCA: pemCert(other), l.serverCert: pemCert(srv),
		l.serverKey: pemKey(t, srvKey), l.CertFile: pemCert(cli), l.KeyFile: pemKey(t, cliKey)}
	for name, b := range files {
		// 0644 even for keys: libvirtd runs as nobody, and these are a test's throwaway keys
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	noVerify := 1
	if clientCert {
		noVerify = 0
	}
	conf := fmt.Sprintf("listen_tls = 1\nlisten_tcp = 1\nlisten_addr = \"127.0.0.1\"\ntls_port = \"%d\"\n"+
		"tcp_port = \"%d\"\nauth_tcp = \"none\"\n"+
		"auth_tls = \"none\"\nauth_unix_rw = \"none\"\ntls_no_verify_certificate = %d\n"+
		"key_file = %q\ncert_file = %q\nca_file = %q\n",
		l.Port, l.TCPPort, noVerify, l.serverKey, l.serverCert, l.CAFile)
	if err := os.WriteFile(filepath.Join(dir, "libvirtd.conf"), []byte(conf), 0o644); err != nil {
		t.Fatalf("write libvirtd.conf: %v", err)
	}
	return l
}

// newCert makes a certificate: a self-signed CA when parent is nil, else a
// leaf for 127.0.0.1 signed by parent, usable by a server and a client.
func newCert(t testing.TB, cn string, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("key: %v", err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"SwanWatch test"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	signer, signerKey := tmpl, key
	if parent == nil {
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
	} else {
		signer, signerKey = parent, parentKey
		tmpl.IPAddresses, tmpl.DNSNames = []net.IP{net.IPv4(127, 0, 0, 1)}, []string{"localhost"}
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatalf("certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("certificate: %v", err)
	}
	return cert, key
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func pemKey(t testing.TB, k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatalf("key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
