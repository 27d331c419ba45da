package vsphere

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/swanwatch/swanwatch/collectors/netfail"
	"github.com/vmware/govmomi/fault"
	"github.com/vmware/govmomi/vim25/types"
)

// Errors a round ends with. Their text is what the operator reads on the
// target list (Chinese, glossary words); the wrapped detail stays English and
// never carries the password.
var (
	ErrAuth     = errors.New("认证失败")
	ErrTimeout  = netfail.ErrTimeout
	ErrRefused  = netfail.ErrRefused
	ErrAddress  = netfail.ErrAddress
	ErrConnect  = netfail.ErrConnect
	ErrTLS      = netfail.ErrTLS
	ErrPlatform = errors.New("vCenter返回错误")
	ErrParams   = errors.New("目标参数错误")
)

// classify turns an error of a vSphere call into an operator's reason. It goes
// by fault types, sentinels and error types; the password cannot be in any of
// them (govmomi never echoes the credentials of a login).
func classify(ctx context.Context, what string, err error) error {
	switch {
	case err == nil:
		return nil
	case fault.Is(err, &types.InvalidLogin{}), fault.Is(err, &types.NotAuthenticated{}):
		return fmt.Errorf("%w（用户名或密码错误，或无权限）: %s: %w", ErrAuth, what, err)
	case fault.Is(err, &types.NoPermission{}):
		return fmt.Errorf("%w（账号缺少只读权限 System.View/Performance）: %s: %w", ErrAuth, what, err)
	case isFault(err) && ctx.Err() == nil:
		return fmt.Errorf("%w: %s: %s", ErrPlatform, what, clip(err.Error(), 300))
	}
	return netfail.Reason(ctx, fmt.Errorf("%s: %w", what, err), "自签名证书可设 tls_skip_verify=true 或 ca_file")
}

// isFault reports whether err is a SOAP fault of the platform (it answered).
func isFault(err error) bool {
	found := false
	fault.In(err, func(types.BaseMethodFault, string, []types.LocalizableMessage) bool {
		found = true
		return true
	})
	return found
}

// sessionGone is an error that says our session is gone: vCenter restarted
// or the session idled out (NotAuthenticated), or an object of the session
// (the view, the event collector) went with it (ManagedObjectNotFound on a
// call to it). The driver logs in again, rebuilds them and retries once.
type sessionGone struct{ err error }

func (e sessionGone) Error() string { return e.err.Error() }
func (e sessionGone) Unwrap() error { return e.err }

// onSession marks err as sessionGone when it says so; onSessionObject tells
// that the call was on an object of the session, where ManagedObjectNotFound
// means the session's objects are gone (elsewhere it is a VM deleted
// meanwhile).
func onSession(err error, onSessionObject bool) error {
	if err == nil {
		return nil
	}
	if fault.Is(err, &types.NotAuthenticated{}) || (onSessionObject && fault.Is(err, &types.ManagedObjectNotFound{})) {
		return sessionGone{err}
	}
	return err
}

func isSessionGone(err error) bool {
	var sg sessionGone
	return errors.As(err, &sg)
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
