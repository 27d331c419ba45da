package jobs

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// Kinds of job: a backup counts in the report's backup line (R-A9), an
// exchange job is the data exchange platform's (R-C1), any other is "job".
const (
	KindBackup   = "backup"
	KindExchange = "exchange"
	KindJob      = "job"
)

// Requirements a job serves; they label its alerts.
const (
	RequirementBackups  = "R-A9"
	RequirementExchange = "R-C1"
)

// Limits of a job's settings.
const (
	minGrace         = 5 * time.Minute
	defaultPollEvery = 5 * time.Minute
	minPollEvery     = 30 * time.Second
	defaultPollWait  = 10 * time.Second
	maxSystemRunes   = 100
)

// Config is the jobs: section: one entry per watched job.
//
//	jobs:
//	  - name: oa-db-backup
//	    system: 协同办公
//	    kind: backup
//	    schedule: "30 2 * * *"     # 02:30 CST every day
//	    max_duration: 2h
//	    token_file: secrets/oa-db-backup.token
type Config []Job

// Job is one scheduled job. Paths (token_file, poll.bearer_token_file) are
// absolute once the configuration loader has resolved them.
type Job struct {
	// Name is the job's id: its URL (/api/v1/jobs/{name}/runs) and its job
	// label. Letters, digits, '.', '_' and '-', at most 64.
	Name string `yaml:"name"`
	// System is the business system (业务系统) whose job it is.
	System string `yaml:"system"`
	// Kind is backup, exchange or job (the default).
	Kind string `yaml:"kind,omitempty"`
	// Requirement labels the alerts: R-A9 (default) or R-C1 (default of exchange).
	Requirement string `yaml:"requirement,omitempty"`
	// Schedule is when a run starts: 5 cron fields (minute hour day month
	// weekday) in Asia/Shanghai, or "@every <duration>" after the last start.
	Schedule string `yaml:"schedule"`
	// Grace is how late a run may start before its slot is 未按时执行; default
	// 10 % of the schedule's period, at least 5m; it must be shorter than the period.
	Grace time.Duration `yaml:"grace,omitempty"`
	// MaxDuration is how long a run may take before it is 作业超时.
	MaxDuration time.Duration `yaml:"max_duration"`
	// TokenFile holds the token the job pushes with (Authorization: Bearer),
	// at least 16 characters. Required unless the job is polled.
	TokenFile string `yaml:"token_file,omitempty"`
	// Poll, when set, reads the job's last run from its tool.
	Poll *Poll `yaml:"poll,omitempty"`
}

// Poll reads a job's last run from a URL answering the push body's JSON
// (ParseReport), for tools that expose it rather than push it.
type Poll struct {
	URL string `yaml:"url"`
	// Interval between polls; default 5m, at least 30s.
	Interval time.Duration `yaml:"interval,omitempty"`
	// Timeout of one request; default 10s.
	Timeout time.Duration `yaml:"timeout,omitempty"`
	// BearerTokenFile, when set, is sent as Authorization: Bearer.
	BearerTokenFile string `yaml:"bearer_token_file,omitempty"`
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// WithDefaults returns a copy with the defaults filled in: kind, requirement,
// grace (from the schedule, when it parses) and the poll's interval and timeout.
func (c Config) WithDefaults() Config {
	out := make(Config, len(c))
	for i, j := range c {
		out[i] = j.withDefaults()
	}
	return out
}

func (j Job) withDefaults() Job {
	if j.Kind == "" {
		j.Kind = KindJob
	}
	if j.Requirement == "" {
		j.Requirement = RequirementBackups
		if j.Kind == KindExchange {
			j.Requirement = RequirementExchange
		}
	}
	if s, err := ParseSchedule(j.Schedule); err == nil && j.Grace == 0 {
		j.Grace = max(s.Period()/10, minGrace)
	}
	if j.Poll != nil {
		p := *j.Poll
		if p.Interval == 0 {
			p.Interval = defaultPollEvery
		}
		if p.Timeout == 0 {
			p.Timeout = defaultPollWait
		}
		j.Poll = &p
	}
	return j
}

// Validate checks every job (after WithDefaults) and reports all problems,
// each naming its job; it reads the token files, never printing them.
func (c Config) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, j := range c {
		if err := j.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("jobs[%d]: %w", i, err))
		}
		if seen[j.Name] {
			errs = append(errs, fmt.Errorf("jobs[%d]: job %q is listed twice", i, j.Name))
		}
		seen[j.Name] = true
	}
	return errors.Join(errs...)
}

// Validate checks one job.
func (j Job) Validate() error {
	errs := []error{j.validateNames()}
	s, err := ParseSchedule(j.Schedule)
	if err != nil {
		errs = append(errs, err)
	} else if j.Grace >= s.Period() {
		errs = append(errs, fmt.Errorf("grace %s is not shorter than the schedule's period %s: a late run would "+
			"be taken for the next slot's", j.Grace, s.Period()))
	}
	switch {
	case j.Grace < 0:
		errs = append(errs, fmt.Errorf("grace %s is negative", j.Grace))
	case j.Grace > 0 && j.Grace < minGrace:
		errs = append(errs, fmt.Errorf("grace %s is shorter than %s: clocks and cron daemons are not that exact", j.Grace, minGrace))
	}
	if j.MaxDuration <= 0 {
		errs = append(errs, errors.New("max_duration is required: how long a run may take before it is 作业超时"))
	}
	errs = append(errs, j.validateAccess())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("job %q: %w", j.Name, err)
	}
	return nil
}

func (j Job) validateNames() error {
	var errs []error
	if !namePattern.MatchString(j.Name) {
		errs = append(errs, errors.New("name must be 1-64 letters, digits, '.', '_' or '-' (it is part of the push URL)"))
	}
	if j.System == "" || utf8.RuneCountInString(j.System) > maxSystemRunes || !utf8.ValidString(j.System) {
		errs = append(errs, fmt.Errorf("system (业务系统) is required, at most %d characters", maxSystemRunes))
	}
	switch j.Kind {
	case KindBackup, KindExchange, KindJob:
	default:
		errs = append(errs, fmt.Errorf("kind %q must be backup, exchange or job", j.Kind))
	}
	switch j.Requirement {
	case RequirementBackups, RequirementExchange:
	default:
		errs = append(errs, fmt.Errorf("requirement %q must be R-A9 or R-C1", j.Requirement))
	}
	return errors.Join(errs...)
}

// validateAccess checks how runs arrive: a push token, a poll, or both.
func (j Job) validateAccess() error {
	var errs []error
	if j.TokenFile == "" && j.Poll == nil {
		errs = append(errs, errors.New("token_file is required (the push token) unless the job is polled"))
	}
	if j.TokenFile != "" {
		if _, err := readToken(j.TokenFile); err != nil {
			errs = append(errs, fmt.Errorf("token_file: %w", err))
		}
	}
	if p := j.Poll; p != nil {
		if u, err := url.Parse(p.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, errors.New("poll.url must be an http or https URL"))
		} else if u.User != nil {
			errs = append(errs, errors.New("poll.url must not carry credentials: use poll.bearer_token_file"))
		}
		if p.Interval < minPollEvery {
			errs = append(errs, fmt.Errorf("poll.interval %s is shorter than %s", p.Interval, minPollEvery))
		}
		if p.Timeout <= 0 || p.Timeout > p.Interval {
			errs = append(errs, fmt.Errorf("poll.timeout %s must be positive and at most the interval", p.Timeout))
		}
		if p.BearerTokenFile != "" {
			if _, err := secret.FromFile(p.BearerTokenFile); err != nil {
				errs = append(errs, fmt.Errorf("poll.bearer_token_file: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}
