package logstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Scan reads every matching event of a range longer than a page, oldest
// first, once each, across days; fn's error stops it.
func TestScanReadsEveryEventPageByPage(t *testing.T) {
	day := at("2026-11-03 08:00:00.000")
	s := openTest(t, t.TempDir(), func() time.Time { return day.Add(48 * time.Hour) }, nil)
	var evs []Event
	n := MaxLimit + 250 // more than one page, 10 s apart: across two days
	for i := range n {
		class := "fw_deny"
		if i%3 == 0 {
			class = "fw_session"
		}
		evs = append(evs, ev(day.Add(time.Duration(i)*10*time.Second), fmt.Sprint(i), "source", "syslog", "class", class))
	}
	require.NoError(t, s.Append(context.Background(), evs...))

	var got []string
	q := Query{Start: day, End: day.Add(72 * time.Hour), Labels: map[string][]string{"class": {"fw_deny"}}}
	require.NoError(t, s.Scan(context.Background(), q, func(e Event) error {
		got = append(got, e.Text)
		return nil
	}))
	var want []string
	for i := range n {
		if i%3 != 0 {
			want = append(want, fmt.Sprint(i))
		}
	}
	assert.Equal(t, want, got, "every deny once, oldest first, none of the sessions")

	stop := errors.New("enough")
	seen := 0
	err := s.Scan(context.Background(), q, func(Event) error { seen++; return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, seen)
}
