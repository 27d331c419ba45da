package restprofile

import (
	"context"
	"errors"

	"github.com/swanwatch/swanwatch/collectors/netfail"
)

// Errors a round ends with. Their text is what the operator reads on the
// target list; the wrapped detail stays English and never holds a password.
var (
	ErrParams   = errors.New("目标参数错误")
	ErrTimeout  = netfail.ErrTimeout
	ErrRefused  = netfail.ErrRefused
	ErrConnect  = netfail.ErrConnect
	ErrTLS      = netfail.ErrTLS
	ErrAuth     = errors.New("认证失败")
	ErrPlatform = errors.New("平台返回错误")
	ErrReply    = errors.New("平台应答格式错误")
	ErrTooLarge = errors.New("平台应答过大")
)

// transportReason gives a failed request its operator's reason.
func transportReason(ctx context.Context, err error) error {
	return netfail.Reason(ctx, err, "")
}
