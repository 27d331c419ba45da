// Package netfail names why a collector could not talk to its target, in the
// words an operator reads on the target list (Chinese, glossary words). The
// HTTP and TCP kinds (BMCs, recorders, virtualisation platforms, park
// devices) share these reasons, so one failure has one name on every page;
// each kind keeps its own errors for what its protocol says.
//
// Classification goes by sentinels and types, never by an error's text. The
// wrapped detail stays English and never carries a secret.
package netfail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// The reasons a connection or an exchange failed.
var (
	ErrTimeout = errors.New("连接超时")
	ErrRefused = errors.New("连接被拒绝")
	ErrAddress = errors.New("地址错误")
	ErrConnect = errors.New("连接失败")
	ErrTLS     = errors.New("TLS证书校验失败")
)

// Reason wraps err in the reason it shows: a timeout (ctx ended, or the
// network said so), a refused port (some networks answer a closed port with
// a reset to the SYN), a name that does not resolve, a certificate not
// trusted or a handshake the peer refused (tlsHint says how to trust it, e.g. "自签名证书可设 tls_skip_verify=true"),
// else a plain connection failure.
func Reason(ctx context.Context, err error, tlsHint string) error {
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		opErr   *net.OpError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		alert   tls.AlertError
	)
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &opErr) && opErr.Op == "dial" && errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("%w（端口未开放）: %w", ErrRefused, err)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("%w（域名无法解析）: %w", ErrAddress, err)
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &alert):
		if tlsHint != "" {
			return fmt.Errorf("%w（%s）: %w", ErrTLS, tlsHint, err)
		}
		return fmt.Errorf("%w: %w", ErrTLS, err)
	}
	return fmt.Errorf("%w: %w", ErrConnect, err)
}

// Unreachable reports whether err is one of the reasons above: the target
// could not be talked to at all.
func Unreachable(err error) bool {
	for _, e := range []error{ErrTimeout, ErrRefused, ErrAddress, ErrConnect, ErrTLS} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Clip bounds s to n bytes of valid UTF-8: a parser's message may quote the
// bytes of a reply, which must not garble the target list or a log.
func Clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
