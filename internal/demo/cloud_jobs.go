package demo

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/swanwatch/swanwatch/internal/sim"
	"github.com/swanwatch/swanwatch/rules/jobs"
)

// demoJobs configures the job watch (rules/jobs) for the simulated cloud's
// backup and data-exchange jobs (sim.DemoJobs: the same names, systems,
// kinds and schedules the simulator plays): a fresh token per job, written
// to dir/job-tokens/<job>.token (0600) for token_file, and returned by job
// name for Sim.SetJobPushURL. The grace is the watch's default (5 minutes
// on the demo's 10-minute schedules).
func demoJobs(dir string) (jobs.Config, map[string]string, error) {
	abs, err := filepath.Abs(filepath.Join(dir, "job-tokens"))
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create the jobs' token directory: %w", err)
	}
	var cfg jobs.Config
	tokens := map[string]string{}
	for _, j := range sim.DemoJobs() {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, err
		}
		tok := hex.EncodeToString(b)
		file := filepath.Join(abs, j.Name+".token")
		if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
			return nil, nil, fmt.Errorf("write the push token of job %s: %w", j.Name, err)
		}
		tokens[j.Name] = tok
		cfg = append(cfg, jobs.Job{Name: j.Name, System: j.System, Kind: j.Kind, Schedule: j.Schedule,
			MaxDuration: j.MaxDuration, TokenFile: file})
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, nil, fmt.Errorf("the demo's jobs: %w", err)
	}
	return cfg, tokens, nil
}
