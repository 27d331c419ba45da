package restprofile

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"syscall"
)

// Errors a round ends with. Their text is what the operator reads on the
// target list; the wrapped detail stays English and never holds a password.
var (
	ErrParams   = errors.New("目标参数错误")
	ErrTimeout  = errors.New("连接超时")
	ErrRefused  = errors.New("连接被拒绝")
	ErrConnect  = errors.New("连接失败")
	ErrTLS      = errors.New("TLS证书校验失败")
	ErrAuth     = errors.New("认证失败")
	ErrPlatform = errors.New("平台返回错误")
	ErrReply    = errors.New("平台应答格式错误")
	ErrTooLarge = errors.New("平台应答过大")
)

// transportReason gives a failed request its operator's reason.
func transportReason(ctx context.Context, err error) error {
	var (
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		alert   tls.AlertError
	)
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: %w", ErrRefused, err)
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &alert):
		return fmt.Errorf("%w: %w", ErrTLS, err)
	}
	return fmt.Errorf("%w: %w", ErrConnect, err)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
