package libvirt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Platform is the `platform` param value of this driver.
const Platform = "libvirt"

// Errors a round ends with. Their text is what the operator reads on the
// target list; the wrapped detail stays English and never holds a password.
var (
	ErrParams   = errors.New("目标参数错误")
	ErrTimeout  = errors.New("连接超时")
	ErrRefused  = errors.New("连接被拒绝")
	ErrConnect  = errors.New("连接失败")
	ErrTLS      = errors.New("TLS证书校验失败")
	ErrLost     = errors.New("与 libvirtd 的连接中断")
	ErrProtocol = errors.New("对端不是 libvirtd")
	ErrPlatform = errors.New("libvirtd 返回错误")
)

// connectReason gives a failed connect its operator's reason.
func connectReason(ctx context.Context, err error) error {
	var (
		certErr *tls.CertificateVerificationError
		alert   tls.AlertError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
	)
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.Is(err, errFrame):
		return fmt.Errorf("%w: %w", ErrProtocol, err)
	case errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%w: %w", ErrRefused, err)
	case errors.As(err, &certErr), errors.As(err, &alert), errors.As(err, &unknown), errors.As(err, &host),
		errors.Is(err, errClientRefused):
		return fmt.Errorf("%w: %w", ErrTLS, err)
	}
	return fmt.Errorf("%w: %w", ErrConnect, err)
}
