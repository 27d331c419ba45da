package libvirt

import (
	"encoding/binary"
	"strings"
	"testing"
)

// FuzzParseEndpoint: any address and params give an endpoint or an error,
// never a panic, and an accepted endpoint is one the dialer can use.
func FuzzParseEndpoint(f *testing.F) {
	for _, s := range []string{"unix:///run/libvirt/libvirt-sock", "tcp://kvm1", "tcp://10.0.0.5:16509",
		"tls://[::1]:16514", "tls://kvm1", "unix://x", "tcp://:0", "http://x", "tcp://u:p@h", "admin:pw@kvm1:16509", "%zz", "tcp://h?x=1"} {
		f.Add(s, "qemu:///system", "")
		f.Add(s, "test:///tmp/node.xml", "true")
		f.Add(s, "qemu+ssh://h/system", "x")
	}
	f.Fuzz(func(t *testing.T, address, uri, skip string) {
		params := map[string]string{"uri": uri, "tls_skip_verify": skip}
		ep, err := parseEndpoint(address, params)
		if err != nil {
			if at := strings.LastIndex(address, "@"); at > 0 {
				secret := address[:at]
				if i := strings.Index(secret, "://"); i >= 0 {
					secret = secret[i+3:]
				}
				if secret != "" && strings.Contains(err.Error(), secret+"@") {
					t.Fatalf("error repeats the credentials of the address: %v", err)
				}
			}
			return
		}
		switch ep.network {
		case "unix":
			if !strings.HasPrefix(ep.addr, "/") || ep.tls {
				t.Fatalf("bad unix endpoint %+v", ep)
			}
		case "tcp":
			if !strings.Contains(ep.addr, ":") {
				t.Fatalf("tcp endpoint without port %+v", ep)
			}
		default:
			t.Fatalf("network %q", ep.network)
		}
		if ep.uri == "" || strings.Contains(ep.uri, "+") && strings.Contains(ep.uri, "://") && strings.Index(ep.uri, "+") < strings.Index(ep.uri, "://") {
			t.Fatalf("connect URI %q accepted", ep.uri)
		}
	})
}

// FuzzDescribe: any domain XML parses or fails cleanly.
func FuzzDescribe(f *testing.F) {
	f.Add(`<domain><title>人口库/公安局</title><devices><disk device='disk'><target dev='vda'/></disk><interface><target dev='vnet0'/></interface></devices></domain>`)
	f.Add(`<domain><metadata><sw:vm xmlns:sw='` + MetadataNS + `'><sw:system>门户</sw:system><sw:dept>局</sw:dept></sw:vm></metadata></domain>`)
	f.Add(`<domain><devices><disk device='cdrom'><target dev='sda'/></disk></devices>`)
	f.Add(`<<<`)
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := describe(doc)
		if err != nil {
			return
		}
		for _, dev := range append(d.disks, d.nics...) {
			if dev == "" {
				t.Fatal("empty device name kept")
			}
		}
	})
}

// FuzzFrameGuard: whatever a peer sends, the guard passes only streams
// whose every packet length libvirtd could send, however the reads split.
func FuzzFrameGuard(f *testing.F) {
	ok := make([]byte, 28)
	binary.BigEndian.PutUint32(ok, 28)
	f.Add(ok, uint8(3))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"), uint8(1))
	f.Add(append([]byte{0, 0, 0, 4}, make([]byte, 24)...), uint8(7))
	f.Fuzz(func(t *testing.T, stream []byte, split uint8) {
		g := &frameGuard{}
		step := int(split)%16 + 1
		var err error
		for i := 0; i < len(stream) && err == nil; i += step {
			err = g.scan(stream[i:min(i+step, len(stream))])
		}
		want := validStream(stream)
		if (err == nil) != want {
			t.Fatalf("guard said %v, stream valid=%v", err, want)
		}
	})
}

// validStream is the guard's rule written plainly: walk the lengths.
func validStream(b []byte) bool {
	for len(b) >= 4 {
		l := binary.BigEndian.Uint32(b)
		if l < minFrame || l > maxFrame {
			return false
		}
		if int(l) >= len(b) {
			return true
		}
		b = b[l:]
	}
	return true
}
