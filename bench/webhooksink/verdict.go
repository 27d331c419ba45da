package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"
)

// Inputs names the files a report reads; empty optional paths are skipped.
type Inputs struct {
	Log       string
	Sends     string
	Incidents string
	MaxDup    int // < 0: repeats are counted but not judged
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
	// Per alert, not per payload: a SwanWatch group notice carries only its
	// news (each alert's new state once), so an alert in two POSTs of the same
	// state is a repeat even when the two bodies differ.
	add(maxDup >= 0 && rep.AlertStates.OverPosts > 0, "%d (alert, state) announced in more than %d POSTs (max %d)",
		rep.AlertStates.OverPosts, 1+maxDup, rep.AlertStates.MaxPosts)
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

// writeTable prints one line per latency path, sorted by name, with seconds
// to the millisecond: what the scripts put side by side.
func writeTable(out io.Writer, rep Report) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "path\tn\tmissing\tmin_s\tp50_s\tp90_s\tp99_s\tmax_s")
	paths := make([]string, 0, len(rep.Latency))
	for p := range rep.Latency {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		l := rep.Latency[p]
		fmt.Fprintf(w, "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", p, l.N, l.Missing, l.Min, l.P50, l.P90, l.P99, l.Max)
	}
	return w.Flush()
}
