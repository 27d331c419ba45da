// Package channels defines what a notification channel is; each channel lives
// in its own sub-package (wecom, dingtalk, feishu, sms, email, webhook,
// alertmanager) and implements Sender.
package channels

import (
	"context"
	"errors"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Sender delivers one notification. It honours ctx's deadline, never logs
// secrets (robot keys, tokens, passwords) and returns a Permanent error when a
// retry cannot help (a 4xx other than 429, a rejected signature), so that the
// outbox stops retrying and shows the failure on the incident.
type Sender interface {
	Send(ctx context.Context, n notice.Notification) error
}

// permanent marks errors that retries cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent lets packages that do not import channels (the outbox in
// rules/alerting/outbox) recognise a permanent error by this method alone.
func (p permanent) Permanent() bool { return true }

// Permanent wraps err so that IsPermanent reports true.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether retrying err is pointless.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}
