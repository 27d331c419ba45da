package device

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
)

// Errors a round ends with, for errors.Is and for the operator, who reads the
// Chinese word first in the target's state.
var (
	ErrTimeout   = errors.New("连接超时")
	ErrRefused   = errors.New("连接被拒绝")
	ErrAuth      = errors.New("认证失败")
	ErrBadAnswer = errors.New("应答格式错误")
	ErrAddress   = errors.New("地址错误")
	ErrDevice    = errors.New("设备报错")
	ErrSilent    = errors.New("设备无心跳")
	ErrConfig    = errors.New("配置错误")
)

// netError names a failure to reach a device: timeout, refusal, or the
// error itself. ctx is the round's.
func netError(ctx context.Context, err error) error {
	var ne net.Error
	var dns *net.DNSError
	switch {
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: %w", ErrRefused, err)
	case errors.As(err, &dns):
		return fmt.Errorf("%w: %w", ErrAddress, err)
	}
	return err
}
