package bmc

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

// Errors a round ends with. Their text is what the operator reads on the
// target list (Chinese, glossary words); wrapped detail stays English and
// never carries a secret.
var (
	ErrAuth    = errors.New("带外管理认证失败")
	ErrTimeout = errors.New("连接超时")
	ErrRefused = errors.New("连接被拒绝")
	ErrAddress = errors.New("地址错误")
	ErrConnect = errors.New("连接失败")
	ErrTLS     = errors.New("TLS证书校验失败")
	ErrFormat  = errors.New("带外管理返回格式错误")
	ErrDevice  = errors.New("带外管理返回错误")
	ErrParams  = errors.New("目标参数错误")
	ErrNoRoot  = errors.New("不是Redfish服务")
)

// fatal reports whether err means the BMC cannot be talked to at all, so the
// round fails (`up` is 0) rather than reporting what it read.
func fatal(err error) bool {
	for _, e := range []error{ErrAuth, ErrTimeout, ErrRefused, ErrAddress, ErrConnect, ErrTLS, ErrNoRoot} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// transportError turns a failed HTTP exchange into an operator's reason. It
// goes by sentinels and types, never by the text of an error.
func transportError(ctx context.Context, err error) error {
	var (
		dnsErr  *net.DNSError
		netErr  net.Error
		opErr   *net.OpError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
	)
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		mTimeouts.Inc()
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.As(err, &netErr) && netErr.Timeout():
		mTimeouts.Inc()
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &opErr) && opErr.Op == "dial" && errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("%w（端口未开放）: %w", ErrRefused, err)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("%w（域名无法解析）: %w", ErrAddress, err)
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host):
		return fmt.Errorf("%w（自签名证书可设 tls_skip_verify=true 或 ca_file）: %w", ErrTLS, err)
	}
	return fmt.Errorf("%w: %w", ErrConnect, err)
}

// formatError is a reply we cannot read; it is counted.
func formatError(uri string, err error) error {
	mBadReplies.Inc()
	return fmt.Errorf("%w: %s: %s", ErrFormat, uri, clip(err.Error(), 200))
}

// clip bounds s to n bytes of valid UTF-8: a parser's message may quote the
// reply's bytes.
func clip(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
