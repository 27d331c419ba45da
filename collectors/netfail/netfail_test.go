package netfail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each failure gets its reason by type, whatever its text; the detail stays
// wrapped for the log.
func TestReason(t *testing.T) {
	live := context.Background()
	ended, cancel := context.WithCancel(live)
	cancel()
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNRESET)}
	for _, tc := range []struct {
		name string
		ctx  context.Context
		err  error
		want error
		text string
	}{
		{"context ended", ended, errors.New("read: use of closed connection"), ErrTimeout, "连接超时"},
		{"deadline", live, os.ErrDeadlineExceeded, ErrTimeout, "连接超时"},
		{"refused", live, &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, ErrRefused, "端口未开放"},
		{"reset to the SYN", live, dial, ErrRefused, "端口未开放"},
		{"reset later", live, &net.OpError{Op: "read", Err: syscall.ECONNRESET}, ErrConnect, "连接失败"},
		{"no such name", live, &net.DNSError{Err: "no such host", Name: "nvr.example"}, ErrAddress, "域名无法解析"},
		{"untrusted", live, x509.UnknownAuthorityError{}, ErrTLS, "自签名"},
		{"handshake refused", live, tls.AlertError(40), ErrTLS, "TLS"},
		{"other", live, errors.New("EOF"), ErrConnect, "连接失败"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Reason(tc.ctx, tc.err, "自签名证书可设 tls_skip_verify=true")
			assert.ErrorIs(t, got, tc.want)
			assert.ErrorIs(t, got, tc.err, "the detail stays wrapped")
			assert.Contains(t, got.Error(), tc.text)
			assert.True(t, Unreachable(got))
		})
	}
	assert.False(t, Unreachable(errors.New("设备报错")))
}

func TestClip(t *testing.T) {
	assert.Equal(t, "abc", Clip("abc", 10))
	assert.Equal(t, "ab…", Clip("abcdef", 2))
	assert.Equal(t, "…", Clip("天鹅", 2), "a cut rune is dropped, not left broken")
	assert.Equal(t, "a\uFFFDb", Clip("a\xffb", 10))
}
