package hypervisor

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Errors of the kind itself; drivers return their own, already in the
// operator's words (认证失败, 连接超时, …).
var (
	ErrParams   = errors.New("目标参数错误")
	ErrPlatform = errors.New("不支持的虚拟化平台")
	ErrTimeout  = errors.New("连接超时")
	ErrConnect  = errors.New("连接失败")
)

// operatorError keeps a driver's error when it already names the reason in
// Chinese (its first rune is not ASCII), and otherwise gives it one: an
// error reaches the target list, where the operator reads it.
func operatorError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if r, _ := utf8.DecodeRuneInString(err.Error()); r >= utf8.RuneSelf {
		return err
	}
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return fmt.Errorf("%w: %w", ErrConnect, err)
}
