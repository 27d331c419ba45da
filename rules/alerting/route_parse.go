package alerting

import (
	"fmt"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// ParseMatchers parses `{district="灵宝市",severity=~"critical|major"}` with
// labelmatch.Parse: braces optional, values quoted (Go escapes) or bare.
func ParseMatchers(s string) (Matchers, error) {
	ms, err := labelmatch.Parse(s)
	if err != nil {
		invalid("matcher")
		return nil, fmt.Errorf("parse matchers %q: %w", labelmatch.Clip(s), err)
	}
	return ms, nil
}
