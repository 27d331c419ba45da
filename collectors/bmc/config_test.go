package bmc

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

func fmtSprint(v any) string { return fmt.Sprintf("%v %+v %#v", v, v, v) }

func TestConfigDefaultsAndValidate(t *testing.T) {
	c := Config{}.WithDefaults()
	require.NoError(t, c.Validate())
	assert.Equal(t, 60*time.Second, c.Interval)
	assert.Equal(t, 4, c.Parallelism)

	bad := c
	bad.Parallelism, bad.MaxBodyBytes, bad.RequestTimeout = 99, 10, time.Hour
	err := bad.Validate()
	require.Error(t, err)
	for _, want := range []string{"parallelism", "max_body_bytes", "request_timeout"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestNewKind(t *testing.T) {
	k, err := NewKind(Config{}, collectors.Env{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	assert.Equal(t, 60*time.Second, k.Schedule.Interval)
	require.NotNil(t, k.Collector)
	k.Collector.(*Collector).Close()
	_, err = NewKind(Config{Parallelism: 100}, collectors.Env{})
	require.Error(t, err)
}
