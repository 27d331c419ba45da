package retry

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errDown = errors.New("connection refused")

// TestBackoffDoublesWithJitterUpToTheCap checks every delay against the schedule:
// Min·2ⁿ ±20%, never above Max, in the bubble's exact time.
func TestBackoffDoublesWithJitterUpToTheCap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := Policy{Min: 100 * time.Millisecond, Max: time.Second}
		var delays []time.Duration
		p.OnRetry = func(err error, next time.Duration) {
			assert.ErrorIs(t, err, errDown)
			delays = append(delays, next)
		}
		var at []time.Time
		err := Do(t.Context(), p, func(context.Context) error {
			at = append(at, time.Now())
			if len(at) < 10 {
				return errDown
			}
			return nil
		})
		require.NoError(t, err)
		require.Len(t, delays, 9)
		for i, d := range delays {
			nominal := min(p.Min<<i, p.Max)
			assert.GreaterOrEqual(t, d, time.Duration(float64(nominal)*(1-Jitter)), "delay %d", i)
			assert.LessOrEqual(t, d, min(time.Duration(float64(nominal)*(1+Jitter)), p.Max), "delay %d", i)
			assert.Equal(t, d, at[i+1].Sub(at[i]), "Do sleeps the announced delay")
		}
	})
}

func TestPermanentErrorsStopAtOnce(t *testing.T) {
	errRejected := errors.New("400 bad request")
	for name, tc := range map[string]struct {
		p  Policy
		op func() error
	}{
		"classifier": {Policy{Min: time.Second, Permanent: func(err error) bool { return errors.Is(err, errRejected) }},
			func() error { return errRejected }},
		"wrapped": {Policy{Min: time.Second}, func() error { return Permanent(errRejected) }},
	} {
		t.Run(name, func(t *testing.T) {
			calls := 0
			tc.p.OnRetry = func(error, time.Duration) { t.Error("a permanent error must not be retried") }
			err := Do(t.Context(), tc.p, func(context.Context) error { calls++; return tc.op() })
			assert.Same(t, errRejected, err, "the error itself comes back, unwrapped")
			assert.Equal(t, 1, calls)
		})
	}
}

// TestContextEndsTheWait: cancelling during a long backoff returns at once with
// the context's error, without another attempt.
func TestContextEndsTheWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		start := time.Now()
		time.AfterFunc(3*time.Second, cancel)
		calls := 0
		err := Do(ctx, Policy{Min: time.Minute, Max: time.Hour}, func(context.Context) error { calls++; return errDown })
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, calls)
		assert.Equal(t, 3*time.Second, time.Since(start))
	})
}

func TestZeroPolicyDoesNotSpin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var delays []time.Duration
		p := Policy{OnRetry: func(_ error, d time.Duration) { delays = append(delays, d) }}
		n := 0
		require.NoError(t, Do(t.Context(), p, func(context.Context) error {
			if n++; n < 3 {
				return errDown
			}
			return nil
		}))
		for _, d := range delays {
			assert.GreaterOrEqual(t, d, time.Duration(float64(time.Millisecond)*(1-Jitter)))
		}
	})
}

func TestSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		assert.True(t, Sleep(t.Context(), time.Minute))
		assert.Equal(t, time.Minute, time.Since(start))
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		assert.False(t, Sleep(ctx, time.Hour))
		assert.Equal(t, time.Minute+time.Second, time.Since(start))
	})
}

// TestCheckResponse against a real HTTP server on loopback: the answer's class,
// the bounded detail, and a connection reused after a long error body.
func TestCheckResponse(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "  "+strings.Repeat("错", 1000)) // longer than the detail bound
	}))
	var conns atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	for _, tc := range []struct {
		code             int
		wantErr, refused bool
	}{
		{http.StatusNoContent, false, false},
		{http.StatusOK, false, false},
		{http.StatusBadRequest, true, true},
		{http.StatusRequestEntityTooLarge, true, true},
		{http.StatusTooManyRequests, true, false},
		{http.StatusServiceUnavailable, true, false},
	} {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			resp, err := srv.Client().Get(srv.URL + "?code=" + strconv.Itoa(tc.code))
			require.NoError(t, err)
			defer resp.Body.Close()
			err = CheckResponse(resp)
			assert.Equal(t, tc.wantErr, err != nil)
			assert.Equal(t, tc.refused, Refused(err))
			assert.Equal(t, tc.wantErr && !tc.refused, TransientStatus(tc.code))
			var se *StatusError
			if tc.wantErr {
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tc.code, se.Code)
				assert.LessOrEqual(t, len(se.Detail), 512)
				assert.True(t, utf8.ValidString(se.Detail))
				assert.True(t, strings.HasPrefix(se.Detail, "错"), "trimmed")
			}
		})
	}
	assert.False(t, Refused(errDown), "a network error is retried")
	assert.Equal(t, int32(1), conns.Load(), "the drained body lets every request reuse one connection")
}
