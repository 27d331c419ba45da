package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Send is one fault the benchmark caused: at At, on path Path, expected to be
// announced by a firing alert carrying all of Labels. The pseudo-label
// __path__ matches the URL path a notification was posted to, so that two
// senders announcing alerts of the same name are told apart.
type Send struct {
	Path   string
	At     time.Time
	Labels map[string]string
}

// parseSends reads lines "PATH UNIX_NANOS label=value[,label=value…]";
// blank lines and lines starting with # are skipped.
func parseSends(r io.Reader) ([]Send, error) {
	var out []Send
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseSend(line)
		if err != nil {
			return nil, fmt.Errorf("sends line %d: %w", n, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read sends: %w", err)
	}
	return out, nil
}

func parseSend(line string) (Send, error) {
	f := strings.Fields(line)
	if len(f) != 3 {
		return Send{}, fmt.Errorf("want PATH UNIX_NANOS LABELS, got %d fields", len(f))
	}
	ns, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || ns <= 0 {
		return Send{}, fmt.Errorf("time %q is not positive Unix nanoseconds", f[1])
	}
	s := Send{Path: f[0], At: time.Unix(0, ns), Labels: map[string]string{}}
	for _, kv := range strings.Split(f[2], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return Send{}, fmt.Errorf("label %q is not name=value", kv)
		}
		s.Labels[k] = v
	}
	return s, nil
}

// firstArrival is the first firing announcement at or after s.At of an alert
// carrying all of s.Labels; ok is false when there is none.
func firstArrival(recs []Record, s Send) (time.Duration, bool) {
	for _, r := range recs {
		if r.At.Before(s.At) {
			continue
		}
		for _, a := range r.Alerts {
			if a.Status == "firing" && hasAll(a.Labels, r.Path, s.Labels) {
				return r.At.Sub(s.At), true
			}
		}
	}
	return 0, false
}

func hasAll(have map[string]string, path string, want map[string]string) bool {
	for k, v := range want {
		if k == "__path__" {
			if path != v {
				return false
			}
		} else if have[k] != v {
			return false
		}
	}
	return true
}

// latencies computes the distribution per path, in the order paths appear.
func latencies(recs []Record, sends []Send) map[string]Latency {
	ds, missing := map[string][]time.Duration{}, map[string]int{}
	for _, s := range sends {
		if d, ok := firstArrival(recs, s); ok {
			ds[s.Path] = append(ds[s.Path], d)
		} else {
			missing[s.Path]++
		}
	}
	out := map[string]Latency{}
	for _, s := range sends {
		out[s.Path] = summarize(ds[s.Path], missing[s.Path])
	}
	return out
}

// IncidentCheck compares the incident store with what the sink received.
type IncidentCheck struct {
	Checked      int     `json:"checked"`
	Resolved     int     `json:"resolved"`
	LostFiring   []int64 `json:"lost_firing"`   // incidents never announced as firing
	LostResolved []int64 `json:"lost_resolved"` // resolved incidents never announced as resolved
}

// incident is the part of an entry of GET /api/v1/incidents that matters here.
type incident struct {
	ID          int64     `json:"id"`
	Fingerprint string    `json:"fingerprint"`
	ResolvedAt  time.Time `json:"resolved_at"`
}

// parseIncidents reads the API's answer {"data":{"incidents":[…]}} or a bare array.
func parseIncidents(r io.Reader) ([]incident, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("decode incidents: %w", err)
	}
	var incs []incident
	if err := json.Unmarshal(raw, &incs); err == nil {
		return incs, nil
	}
	var api struct {
		Data *struct {
			Incidents []incident `json:"incidents"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &api); err != nil || api.Data == nil {
		return nil, fmt.Errorf("decode incidents: want an array or {\"data\":{\"incidents\":[…]}}")
	}
	return api.Data.Incidents, nil
}

// checkIncidents finds incidents with no announcement of a state they reached.
// An announcement is matched by SwanWatch's incident id or by the alert's
// fingerprint, so a payload of a grouped notification counts for each alert.
func checkIncidents(recs []Record, incs []incident) *IncidentCheck {
	seen := map[string]bool{}
	for _, r := range recs {
		if r.Incident != 0 {
			seen[fmt.Sprintf("id/%d/%s", r.Incident, r.Status)] = true
		}
		for _, a := range r.Alerts {
			seen["fp/"+a.Fingerprint+"/"+a.Status] = true
		}
	}
	had := func(i incident, st string) bool {
		return seen[fmt.Sprintf("id/%d/%s", i.ID, st)] || seen["fp/"+i.Fingerprint+"/"+st]
	}
	c := &IncidentCheck{Checked: len(incs), LostFiring: []int64{}, LostResolved: []int64{}}
	for _, i := range incs {
		if !had(i, "firing") {
			c.LostFiring = append(c.LostFiring, i.ID)
		}
		if !i.ResolvedAt.IsZero() {
			c.Resolved++
			if !had(i, "resolved") {
				c.LostResolved = append(c.LostResolved, i.ID)
			}
		}
	}
	return c
}
