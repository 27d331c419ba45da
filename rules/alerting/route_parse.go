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
		return nil, fmt.Errorf("parse matchers %q: %w", clip(s), err)
	}
	return ms, nil
}

// clip keeps error strings short when the input is long.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
