package nvr

import (
	"context"
	"errors"
	"fmt"

	"github.com/swanwatch/swanwatch/collectors/netfail"
)

// Errors a round or a stage ends with. Their text is what the operator reads
// on the target list (Chinese, glossary words); wrapped detail stays English
// and never carries a secret.
var (
	ErrAuth     = errors.New("认证失败")
	ErrFormat   = errors.New("录像机返回格式错误")
	ErrDevice   = errors.New("录像机返回错误")
	ErrNoSearch = errors.New("录像检索未完成：本轮时间用尽")
	ErrParams   = errors.New("目标参数错误")

	// The reasons a connection failed, shared with the other kinds.
	ErrTimeout = netfail.ErrTimeout
	ErrRefused = netfail.ErrRefused
	ErrAddress = netfail.ErrAddress
	ErrConnect = netfail.ErrConnect
	ErrTLS     = netfail.ErrTLS
)

// fatal reports whether err means the recorder cannot be talked to at all this
// round (unreachable, or our credentials refused), so the round fails: `up`
// is 0 and the error is the target's.
func fatal(err error) bool {
	return netfail.Unreachable(err) || errors.Is(err, ErrAuth)
}

// transportError turns a failed HTTP exchange into an operator's reason; a
// timeout is counted.
func transportError(ctx context.Context, err error) error {
	err = netfail.Reason(ctx, err, "自签名证书可设 tls_skip_verify=true")
	if errors.Is(err, ErrTimeout) {
		mTimeouts.Inc()
	}
	return err
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
