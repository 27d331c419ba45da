package secops

import (
	"context"
	"time"
)

// StoredEvents reads the event store: each(labels) for every event from
// from (inclusive) to to (exclusive) whose labels match, each named label
// one of its values. The app makes it from the logstore's Scan.
type StoredEvents func(ctx context.Context, from, to time.Time, match map[string][]string, each func(labels map[string]string)) error

// MonthEvents reads the labels of the security events (the classes of
// ClassWords) from stored, for the report's 安全运营 section.
func MonthEvents(stored StoredEvents) func(ctx context.Context, from, to time.Time, add func(map[string]string)) error {
	classes := make([]string, len(ClassWords))
	for i, c := range ClassWords {
		classes[i] = c.Class
	}
	return func(ctx context.Context, from, to time.Time, add func(map[string]string)) error {
		return stored(ctx, from, to, map[string][]string{"class": classes}, add)
	}
}
