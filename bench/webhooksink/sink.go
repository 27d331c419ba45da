package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// maxBody bounds what one POST may send: Alertmanager caps nothing, so a
// runaway sender must not make the sink (and the benchmark) run out of memory.
const maxBody = 4 << 20

// Record is one received POST, one JSON line in the log.
type Record struct {
	At        time.Time     `json:"at"`
	Path      string        `json:"path"`
	Key       string        `json:"key,omitempty"` // the Idempotency-Key header
	Status    string        `json:"status,omitempty"`
	Incident  int64         `json:"incident,omitempty"` // swanwatch.incident_id
	Step      int           `json:"step,omitempty"`     // swanwatch.step
	Alerts    []AlertRecord `json:"alerts,omitempty"`
	Error     string        `json:"error,omitempty"` // why the body was refused
	BodyBytes int           `json:"body_bytes"`
}

// AlertRecord is what the sink keeps of one alert of a payload.
type AlertRecord struct {
	Fingerprint string            `json:"fingerprint"`
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
}

// payload is the part of the Alertmanager v4 webhook body (and SwanWatch's
// extension of it) that the benchmarks count.
type payload struct {
	Version   string        `json:"version"`
	Status    string        `json:"status"`
	Alerts    []AlertRecord `json:"alerts"`
	SwanWatch *struct {
		IncidentID int64 `json:"incident_id"`
		Step       int   `json:"step"`
	} `json:"swanwatch"`
}

var (
	postsOK      = metrics.NewCounter(`swanwatch_webhooksink_posts_total{result="ok"}`)
	postsBad     = metrics.NewCounter(`swanwatch_webhooksink_posts_total{result="bad_body"}`)
	postsTooBig  = metrics.NewCounter(`swanwatch_webhooksink_posts_total{result="too_large"}`)
	alertsLogged = metrics.NewCounter(`swanwatch_webhooksink_alerts_total`)
)

// parsePayload decodes an Alertmanager v4 body; an alert without a status or
// a body that is not a v4 payload is an error, so a sender bug shows up in the
// counts instead of passing as a notification.
func parsePayload(body []byte) (payload, error) {
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		return p, fmt.Errorf("decode payload: %w", err)
	}
	if p.Version != "4" {
		return p, fmt.Errorf("payload version %q, want \"4\"", p.Version)
	}
	for i, a := range p.Alerts {
		if a.Status != "firing" && a.Status != "resolved" {
			return p, fmt.Errorf("alert %d: status %q, want firing or resolved", i, a.Status)
		}
	}
	return p, nil
}

// Sink records every POST with its arrival time to an append-only log.
type Sink struct {
	mu   sync.Mutex
	w    *bufio.Writer
	f    *os.File
	now  func() time.Time
	keys map[string]struct{}
	n    int
}

// NewSink appends to the log file at path.
func NewSink(path string) (*Sink, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	return &Sink{w: bufio.NewWriter(f), f: f, now: time.Now, keys: map[string]struct{}{}}, nil
}

// ServeHTTP records a POST; GET /stats answers the running counts so that a
// script can wait until the sender has gone quiet.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/stats" {
		s.stats(w)
		return
	}
	if r.Method == http.MethodGet && r.URL.Path == "/metrics" {
		metrics.WritePrometheus(w, false)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	at := s.now() // arrival: before the body is read, as a receiver would see it
	rec, code := s.decode(w, r)
	rec.At = at
	if err := s.append(rec); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(code)
}

func (s *Sink) decode(w http.ResponseWriter, r *http.Request) (Record, int) {
	rec := Record{Path: r.URL.Path, Key: r.Header.Get("Idempotency-Key")}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	rec.BodyBytes = len(body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		postsTooBig.Inc()
		rec.Error = fmt.Sprintf("body over %d bytes", maxBody)
		return rec, http.StatusRequestEntityTooLarge
	}
	p, err := parsePayload(body)
	if err != nil {
		postsBad.Inc()
		rec.Error = err.Error()
		return rec, http.StatusBadRequest
	}
	postsOK.Inc()
	alertsLogged.Add(len(p.Alerts))
	rec.Status, rec.Alerts = p.Status, p.Alerts
	if p.SwanWatch != nil {
		rec.Incident, rec.Step = p.SwanWatch.IncidentID, p.SwanWatch.Step
	}
	return rec, http.StatusOK
}

// append writes and flushes one line, so the log is complete even when the
// sink is killed with the rest of the benchmark.
func (s *Sink) append(rec Record) error {
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if rec.Key != "" {
		s.keys[rec.Key] = struct{}{}
	}
	s.w.Write(append(line, '\n'))
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("write log: %w", err)
	}
	return nil
}

func (s *Sink) stats(w http.ResponseWriter) {
	s.mu.Lock()
	st := struct {
		Posts        int `json:"posts"`
		DistinctKeys int `json:"distinct_keys"`
	}{s.n, len(s.keys)}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(st)
}

// Close flushes and closes the log.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.w.Flush(), s.f.Close())
}
