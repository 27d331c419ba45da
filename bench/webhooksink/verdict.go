package main

import (
	"fmt"
	"io"
	"os"
)

// Inputs names the files a report reads; empty optional paths are skipped.
type Inputs struct {
	Log       string
	Sends     string
	Incidents string
	MaxDup    int
}

// buildReport reads the inputs and judges them.
func buildReport(in Inputs) (Report, error) {
	rep := Report{Problems: []string{}}
	recs, err := readFile(in.Log, readLog)
	if err != nil {
		return rep, err
	}
	countRepeats(&rep, recs, in.MaxDup)
	if in.Sends != "" {
		sends, err := readFile(in.Sends, parseSends)
		if err != nil {
			return rep, err
		}
		rep.Latency = latencies(recs, sends)
	}
	if in.Incidents != "" {
		incs, err := readFile(in.Incidents, parseIncidents)
		if err != nil {
			return rep, err
		}
		rep.Incidents = checkIncidents(recs, incs)
	}
	rep.Problems = judge(rep, in.MaxDup)
	rep.OK = len(rep.Problems) == 0
	return rep, nil
}

func readFile[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	return parse(f)
}

// judge lists what breaks the benchmarks' promises: nothing lost, nothing
// repeated more than maxDup times, every body a valid v4 payload.
func judge(rep Report, maxDup int) []string {
	p := []string{}
	add := func(cond bool, format string, args ...any) {
		if cond {
			p = append(p, fmt.Sprintf(format, args...))
		}
	}
	add(rep.BadPosts > 0, "%d POSTs were not valid Alertmanager v4 payloads", rep.BadPosts)
	add(rep.StepStates.OverPosts > 0, "%d (incident, step, state) announced more than %d times (max %d POSTs)",
		rep.StepStates.OverPosts, 1+maxDup, rep.StepStates.MaxPosts)
	if i := rep.Incidents; i != nil {
		add(len(i.LostFiring) > 0, "%d incidents never announced as firing: %v", len(i.LostFiring), i.LostFiring)
		add(len(i.LostResolved) > 0, "%d resolved incidents never announced as resolved: %v",
			len(i.LostResolved), i.LostResolved)
	}
	for path, l := range rep.Latency {
		add(l.Missing > 0, "%s: %d of %d faults never announced", path, l.Missing, l.N+l.Missing)
	}
	return p
}
