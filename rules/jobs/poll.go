package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/swanwatch/swanwatch/internal/retry"
	"github.com/swanwatch/swanwatch/internal/secret"
)

// pollLoop reads a polled job's last run every interval until ctx ends.
func (s *Service) pollLoop(ctx context.Context, j *job) {
	failing := false
	for {
		err := s.pollOnce(ctx, j)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			mPollErrors.Inc()
			if !failing { // once per failure episode, not every interval
				s.log.Warn("job poll failed", "job", j.cfg.Name, "err", err)
			}
		case failing:
			s.log.Info("job poll works again", "job", j.cfg.Name)
		}
		failing = err != nil
		if !retry.Sleep(ctx, j.cfg.Poll.Interval) {
			return
		}
	}
}

// pollOnce fetches the job's last run and records it as a push would be.
func (s *Service) pollOnce(ctx context.Context, j *job) error {
	mPolls.Inc()
	ctx, cancel := context.WithTimeout(ctx, j.cfg.Poll.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.cfg.Poll.URL, nil)
	if err != nil {
		return fmt.Errorf("poll request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if f := j.cfg.Poll.BearerTokenFile; f != "" {
		tok, err := secret.FromFile(f)
		if err != nil {
			return fmt.Errorf("poll.bearer_token_file: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	}
	resp, err := s.client.Do(req)
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err // its text repeats the URL, whose query may hold a credential
	}
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("poll: HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes+1))
	if err != nil {
		return fmt.Errorf("poll: read answer: %w", err)
	}
	if len(body) > MaxBodyBytes {
		return fmt.Errorf("poll: answer larger than %d KiB", MaxBodyBytes>>10)
	}
	rep, err := ParseReport(body, s.now())
	if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	if _, err := s.record(ctx, j, rep, "poll"); err != nil && !errors.Is(err, errNoStart) {
		return err
	} else if err != nil {
		return fmt.Errorf("poll: %w", err)
	}
	return nil
}
