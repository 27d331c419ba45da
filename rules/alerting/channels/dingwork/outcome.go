package dingwork

import (
	"errors"
	"fmt"
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// outcome gathers the per-person results of one Send.
type outcome struct {
	sent    int
	invalid []string // names whose userid DingTalk refused
	retry   []error
	perm    []error
}

func (o *outcome) add(r notice.Recipient, err error) {
	switch {
	case err == nil:
		o.sent++
	case errors.Is(err, errInvalidUser):
		o.invalid = append(o.invalid, r.Name)
	case channels.IsPermanent(err):
		o.perm = append(o.perm, fmt.Errorf("%s: %w", r.Name, err))
	default:
		o.retry = append(o.retry, fmt.Errorf("%s: %w", r.Name, err))
	}
}

// result: retry while anything may still succeed (only the retryable errors
// are joined, so the result is not mistaken for permanent); success once
// someone was reached; otherwise permanent.
func (o *outcome) result(total int) error {
	switch {
	case len(o.retry) > 0:
		return errors.Join(o.retry...)
	case o.sent > 0:
		return nil
	case len(o.perm) == 0:
		return channels.Permanent(fmt.Errorf("%s: DingTalk refused the userid of every recipient (%s): check the roster's dingtalk field and the application's visible range",
			Channel, strings.Join(o.invalid, "、")))
	}
	err := errors.Join(o.perm...)
	if len(o.invalid) > 0 {
		err = fmt.Errorf("%w\n%s: invalid userid: %s", err, Channel, strings.Join(o.invalid, "、"))
	}
	return channels.Permanent(fmt.Errorf("%s: no recipient reached (%d tried): %w", Channel, total, err))
}
