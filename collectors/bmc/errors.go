package bmc

import (
	"context"
	"errors"
	"fmt"

	"github.com/swanwatch/swanwatch/collectors/netfail"
)

// Errors a round ends with. Their text is what the operator reads on the
// target list (Chinese, glossary words); wrapped detail stays English and
// never carries a secret.
var (
	ErrAuth   = errors.New("带外管理认证失败")
	ErrFormat = errors.New("带外管理返回格式错误")
	ErrDevice = errors.New("带外管理返回错误")
	ErrParams = errors.New("目标参数错误")
	ErrNoRoot = errors.New("不是Redfish服务")

	// The reasons a connection failed, shared with the other kinds.
	ErrTimeout = netfail.ErrTimeout
	ErrRefused = netfail.ErrRefused
	ErrAddress = netfail.ErrAddress
	ErrConnect = netfail.ErrConnect
	ErrTLS     = netfail.ErrTLS
)

// fatal reports whether err means the BMC cannot be talked to at all, so the
// round fails (`up` is 0) rather than reporting what it read.
func fatal(err error) bool {
	return netfail.Unreachable(err) || errors.Is(err, ErrAuth) || errors.Is(err, ErrNoRoot)
}

// transportError turns a failed HTTP exchange into an operator's reason; a
// timeout is counted.
func transportError(ctx context.Context, err error) error {
	err = netfail.Reason(ctx, err, "自签名证书可设 tls_skip_verify=true 或 ca_file")
	if errors.Is(err, ErrTimeout) {
		mTimeouts.Inc()
	}
	return err
}

// formatError is a reply we cannot read; it is counted.
func formatError(uri string, err error) error {
	mBadReplies.Inc()
	return fmt.Errorf("%w: %s: %s", ErrFormat, uri, netfail.Clip(err.Error(), 200))
}
