package libvirt

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func openErr(t *testing.T, address string, params map[string]string, login driver.Login) error {
	t.Helper()
	login.Target = collectors.Target{Kind: "hypervisor", Name: "bad", Address: address, Params: params}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := Open(ctx, login)
	if err == nil {
		d.Close()
	}
	return err
}

func TestBadAddressesFailClearly(t *testing.T) {
	closed := testpeer.RefusingAddr(t) // refuses for the whole test, whatever else runs
	for _, c := range []struct {
		address string
		params  map[string]string
		want    string
	}{ // every one is ErrParams but the two that reach the network
		{"http://kvm1:16509", nil, "scheme must be unix, tcp or tls"},
		{"kvm1:16509", nil, "scheme must be unix, tcp or tls"},
		{"unix://run/libvirt-sock", nil, "want unix:///absolute/path"},
		{"unix:///no/such/dir/libvirt-sock", nil, "no such file"},
		{"tcp://:16509", nil, "host missing"},
		{"tcp://kvm1:99999", nil, "out of range"},
		{"tcp://kvm1:", nil, "empty port"},
		{"tcp://kvm1/system", nil, "without a path"},
		{"tcp://kvm1?uri=qemu:///system", nil, "no query"},
		{"tcp://" + closed, nil, "connection refused"},
		{"tcp://127.0.0.1:1", map[string]string{"uri": "qemu+ssh://kvm1/system"}, "give the driver URI"},
		{"tcp://127.0.0.1:1", map[string]string{"uri": "qemu://kvm1/system"}, "names a host"},
		{"tcp://127.0.0.1:1", map[string]string{"uri": "system"}, "not a connect URI"},
		{"tcp://127.0.0.1:1", map[string]string{"ca_file": "/x"}, "need a tls:// address"},
		{"tls://127.0.0.1:1", map[string]string{"tls_skip_verify": "maybe"}, "not true or false"},
		{"tls://127.0.0.1:1", map[string]string{"cert_file": "/x"}, "go together"},
		{"tls://127.0.0.1:1", map[string]string{"ca_file": "/no/such/ca.pem"}, "read ca_file"},
	} {
		err := openErr(t, c.address, c.params, driver.Login{})
		if assert.Error(t, err, c.address) {
			assert.Contains(t, err.Error(), c.want, c.address)
			reason := ErrParams
			if c.want == "no such file" || c.want == "connection refused" {
				reason = ErrRefused
			}
			assert.ErrorIs(t, err, reason, c.address)
		}
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	for _, a := range []string{"tcp://admin:s3cret-pw@kvm1", "admin:s3cret-pw@kvm1:16509", "tcp://admin:s3cret-pw@kvm1/%zz"} {
		err := openErr(t, a, nil, driver.Login{})
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "s3cret-pw")
	}
	err := openErr(t, "tcp://127.0.0.1:1", nil, driver.Login{Username: "admin", Password: "s3cret-pw"})
	require.ErrorContains(t, err, "SASL")
	assert.NotContains(t, err.Error(), "s3cret-pw")
}

// TestNotLibvirtRPC: an HTTP server where libvirtd was expected answers
// "HTTP/1.1 400": read as a packet length that is 1.2 GB, which go-libvirt
// would allocate. The frame guard ends the connection instead.
func TestNotLibvirtRPC(t *testing.T) {
	for name, reply := range map[string][]byte{
		"http": []byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"),
		// a length of 4 and a header: go-libvirt would panic on make([]byte, -24)
		"shorter_than_28": append([]byte{0, 0, 0, 4}, make([]byte, 24)...),
	} {
		t.Run(name, func(t *testing.T) {
			addr := replyServer(t, reply)
			err := openErr(t, "tcp://"+addr, nil, driver.Login{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "does not speak libvirt RPC")
			assert.ErrorIs(t, err, ErrProtocol)
		})
	}
}

// replyServer answers every connection with reply once it has read something.
func replyServer(t *testing.T, reply []byte) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 512)
				_, _ = c.Read(buf)
				_, _ = c.Write(reply)
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
				_, _ = c.Read(buf)
			}()
		}
	}()
	return ln.Addr().String()
}

// TestSilentPeerReturnsByDeadline: a peer that accepts and never answers.
func TestSilentPeerReturnsByDeadline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = Open(ctx, driver.Login{Target: collectors.Target{Name: "silent", Address: "tcp://" + ln.Addr().String()}})
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorIs(t, err, ErrTimeout)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestTLSAndTCP(t *testing.T) {
	p := testpeer.LibvirtdTLS(t, testpeer.DefaultLibvirtNode(), true)
	tl := p.TLS
	base := map[string]string{"uri": p.URI(), "ca_file": tl.CAFile, "cert_file": tl.CertFile, "key_file": tl.KeyFile}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	t.Run("verified_with_client_certificate", func(t *testing.T) {
		tgt := peerTarget(p)
		tgt.Address, tgt.Params = tl.Address(), with()
		d := openDriver(t, tgt)
		rec, _, err := collect(t, d)
		require.NoError(t, err)
		assert.Equal(t, 1.0, value(t, rec, `hypervisor_vm_running{vm="gov-web-01"}`))
	})
	t.Run("plain_tcp", func(t *testing.T) {
		tgt := peerTarget(p)
		tgt.Address, tgt.Params = tl.TCPAddress(), map[string]string{"uri": p.URI()}
		d := openDriver(t, tgt)
		rec, _, err := collect(t, d)
		require.NoError(t, err)
		assert.Equal(t, 0.0, value(t, rec, `hypervisor_vm_running{vm="gov-db-01"}`))
	})
	t.Run("unknown_CA", func(t *testing.T) {
		err := openErr(t, tl.Address(), with("ca_file", tl.OtherCA), driver.Login{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "certificate signed by unknown authority")
		assert.ErrorIs(t, err, ErrTLS)
	})
	t.Run("unknown_CA_skip_verify", func(t *testing.T) {
		err := openErr(t, tl.Address(), with("ca_file", tl.OtherCA, "tls_skip_verify", "true"), driver.Login{})
		assert.NoError(t, err)
	})
	t.Run("no_client_certificate", func(t *testing.T) {
		err := openErr(t, tl.Address(), with("cert_file", "", "key_file", ""), driver.Login{})
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrTLS)
	})
}
