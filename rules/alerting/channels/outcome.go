package channels

import (
	"errors"
	"fmt"
	"strings"
)

// Outcome gathers the per-person results of one Send of a person channel
// (one message per recipient) into the Send's one error.
type Outcome struct {
	Channel string // names the channel in errors
	// Refused is what to tell the operator when the platform refused every
	// recipient's account, e.g. "WeCom refused the userid of every recipient".
	Refused string
	// Invalid tells the platform's "no such user" from other errors.
	Invalid func(error) bool

	sent    int
	invalid []string // names whose account the platform refused
	retry   []error
	perm    []error
}

// Add records one person's result.
func (o *Outcome) Add(name string, err error) {
	switch {
	case err == nil:
		o.sent++
	case o.Invalid != nil && o.Invalid(err):
		o.invalid = append(o.invalid, name)
	case IsPermanent(err):
		o.perm = append(o.perm, fmt.Errorf("%s: %w", name, err))
	default:
		o.retry = append(o.retry, fmt.Errorf("%s: %w", name, err))
	}
}

// Result: retry while anything may still succeed (only the retryable errors
// are joined, so the result is not mistaken for permanent); success once
// someone was reached; otherwise permanent.
func (o *Outcome) Result(total int) error {
	switch {
	case len(o.retry) > 0:
		return errors.Join(o.retry...)
	case o.sent > 0:
		return nil
	case len(o.perm) == 0:
		return Permanent(fmt.Errorf("%s: %s (%s)", o.Channel, o.Refused, strings.Join(o.invalid, "、")))
	}
	err := errors.Join(o.perm...)
	if len(o.invalid) > 0 {
		err = fmt.Errorf("%w\n%s: invalid userid: %s", err, o.Channel, strings.Join(o.invalid, "、"))
	}
	return Permanent(fmt.Errorf("%s: no recipient reached (%d tried): %w", o.Channel, total, err))
}
