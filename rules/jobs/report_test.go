package jobs

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseReport(t *testing.T) {
	now := at(2026, 12, 7, 3, 0).Add(400 * time.Millisecond)
	r, err := ParseReport([]byte(`{"status":"SUCCESS","started_at":"2026-12-07 02:00:00","duration_seconds":2466.4,
		"bytes":1.5e9,"message":"ok\nline two\u0007","extra":"ignored"}`), now)
	require.NoError(t, err)
	assert.Equal(t, StatusSuccess, r.Status)
	assert.True(t, r.StartedAt.Equal(at(2026, 12, 7, 2, 0)), "a CST wall-clock time")
	assert.Equal(t, 2466*time.Second, r.FinishedAt.Sub(r.StartedAt))
	assert.Equal(t, int64(1500000000), r.Bytes)
	assert.Equal(t, "ok line two", r.Message)

	r, err = ParseReport([]byte(`{"status":"failed","duration_seconds":60}`), now)
	require.NoError(t, err)
	assert.True(t, r.FinishedAt.Equal(at(2026, 12, 7, 3, 0)), "finished now, in whole seconds")
	assert.True(t, r.StartedAt.Equal(at(2026, 12, 7, 2, 59)))

	r, err = ParseReport([]byte(`{"status":"running"}`), now)
	require.NoError(t, err)
	assert.True(t, r.StartedAt.Equal(at(2026, 12, 7, 3, 0)))
	assert.True(t, r.FinishedAt.IsZero())

	r, err = ParseReport([]byte(`{"status":"success"}`), now)
	require.NoError(t, err, "a result without a start closes the running run (the Service decides)")
	assert.True(t, r.StartedAt.IsZero())

	r, err = ParseReport([]byte(`{"status":"success","started_at":1796580000,"message":"`+strings.Repeat("备", 600)+`"}`), now)
	require.NoError(t, err)
	assert.Equal(t, maxMessageRunes+1, len([]rune(r.Message)), "kept to 500 characters and the mark")

	for body, want := range map[string]string{
		`{"status":"success","started_at":"2026-12-07T03:00:00+08:00","finished_at":"2026-12-07T02:00:00+08:00"}`: "before started_at",
		`{"status":"success","started_at":"2025-10-01T00:00:00+08:00"}`:                                           "older than 400 days",
		`{"status":"success","duration_seconds":-3}`:                                                              "between 0 and 400 days",
		`{"status":"success","bytes":1.5}`:                                                                        "whole number",
		`{"status":"success","started_at":true}`:                                                                  "a time string or unix seconds",
		`{"status":"success","started_at":12}`:                                                                    "before 2000",
		`{"status":7}`:                                                                                            "not a JSON run object",
		``:                                                                                                        "not a JSON run object",
	} {
		_, err := ParseReport([]byte(body), now)
		assert.ErrorContains(t, err, want, body)
	}
}
