package nvr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
)

// Errors a round or a stage ends with. Their text is what the operator reads
// on the target list (Chinese, glossary words); wrapped detail stays English
// and never carries a secret.
var (
	ErrAuth     = errors.New("认证失败")
	ErrTimeout  = errors.New("连接超时")
	ErrRefused  = errors.New("连接被拒绝")
	ErrAddress  = errors.New("地址错误")
	ErrConnect  = errors.New("连接失败")
	ErrTLS      = errors.New("TLS证书校验失败")
	ErrFormat   = errors.New("录像机返回格式错误")
	ErrDevice   = errors.New("录像机返回错误")
	ErrNoSearch = errors.New("录像检索未完成：本轮时间用尽")
	ErrParams   = errors.New("目标参数错误")
)

// fatal reports whether err means the recorder cannot be talked to at all this
// round (unreachable, or our credentials refused), so the round fails: `up`
// is 0 and the error is the target's.
func fatal(err error) bool {
	for _, e := range []error{ErrAuth, ErrTimeout, ErrRefused, ErrAddress, ErrConnect, ErrTLS} {
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
		// Some networks answer a closed port with a reset to the SYN.
		return fmt.Errorf("%w（端口未开放）: %w", ErrRefused, err)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("%w（域名无法解析）: %w", ErrAddress, err)
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host):
		return fmt.Errorf("%w（自签名证书可设 tls_skip_verify=true）: %w", ErrTLS, err)
	}
	return fmt.Errorf("%w: %w", ErrConnect, err)
}

// formatError is a reply we cannot read; it is counted.
func formatError(what string, err error) error {
	mBadReplies.Inc()
	if err == nil {
		return fmt.Errorf("%w: %s", ErrFormat, what)
	}
	// The parser's message may quote the reply's bytes: bounded and made
	// valid UTF-8, it cannot garble the target list or a log.
	return fmt.Errorf("%w: %s: %s", ErrFormat, what, clipN(err.Error(), 200))
}
