package collectortest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// EventSink is a collectors.EventSink for the listeners' tests (traps,
// syslog): it keeps every event and signals each append, so a test waits
// for what it sent without sleeping.
type EventSink struct {
	mu     sync.Mutex
	events []collectors.Event
	added  chan struct{}
}

// NewEventSink returns an empty sink.
func NewEventSink() *EventSink { return &EventSink{added: make(chan struct{}, 1)} }

// AppendEvents keeps evs.
func (s *EventSink) AppendEvents(_ context.Context, evs []collectors.Event) error {
	s.mu.Lock()
	s.events = append(s.events, evs...)
	s.mu.Unlock()
	select {
	case s.added <- struct{}{}:
	default:
	}
	return nil
}

// Events is a copy of the events so far.
func (s *EventSink) Events() []collectors.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]collectors.Event(nil), s.events...)
}

// WaitFor waits until n events have arrived and returns them all, failing
// the test at timeout with what did arrive.
func (s *EventSink) WaitFor(t testing.TB, n int, timeout time.Duration) []collectors.Event {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if evs := s.Events(); len(evs) >= n {
			return evs
		}
		select {
		case <-s.added:
		case <-deadline:
			evs := s.Events()
			t.Fatalf("%d of %d events after %s: %v", len(evs), n, timeout, evs)
			return nil
		}
	}
}
