package logstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Bounds and defaults of the HTTP API.
const (
	maxTextParam  = 1024
	defaultWindow = time.Hour // like Loki: without start, the last hour
)

type apiEvent struct {
	Time   string            `json:"time"`
	Labels map[string]string `json:"labels"`
	Text   string            `json:"text"`
}

type apiResponse struct {
	Status    string `json:"status"`
	Data      any    `json:"data,omitempty"`
	ErrorType string `json:"errorType,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Handler serves GET /api/v1/events?start=&end=&match=&q=&limit=&direction= in the
// Prometheus API envelope. start and end are RFC 3339 or Unix seconds; times in the
// answer are RFC 3339 in Asia/Shanghai. Authentication is the router's job.
func (s *Store) Handler() http.Handler { return http.HandlerFunc(s.serveEvents) }

func (s *Store) serveEvents(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeJSON(w, http.StatusMethodNotAllowed, apiResponse{Status: "error", ErrorType: "bad_data", Error: "method not allowed"})
		return
	}
	q, err := s.parseParams(r)
	if err != nil {
		queriesTotal.Inc()
		queryBadData.Inc()
		writeJSON(w, http.StatusBadRequest, apiResponse{Status: "error", ErrorType: "bad_data", Error: err.Error()})
		return
	}
	evs, err := s.Query(r.Context(), q)
	var bq *BadQueryError
	switch {
	case errors.As(err, &bq):
		writeJSON(w, http.StatusBadRequest, apiResponse{Status: "error", ErrorType: "bad_data", Error: err.Error()})
	case err != nil:
		s.log.Error("events query failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, apiResponse{Status: "error", ErrorType: "internal", Error: "query failed"})
	default:
		writeJSON(w, http.StatusOK, apiResponse{Status: "success", Data: map[string]any{"events": toAPI(evs)}})
	}
}

func (s *Store) parseParams(r *http.Request) (Query, error) {
	v := r.URL.Query()
	q := Query{Matchers: v.Get("match"), Text: v.Get("q")}
	var err error
	if q.End, err = parseTimeParam(v.Get("end"), s.opts.Now()); err != nil {
		return q, fmt.Errorf("invalid end: %w", err)
	}
	if q.Start, err = parseTimeParam(v.Get("start"), q.End.Add(-defaultWindow)); err != nil {
		return q, fmt.Errorf("invalid start: %w", err)
	}
	if len(q.Text) > maxTextParam {
		return q, fmt.Errorf("q longer than %d bytes", maxTextParam)
	}
	if l := v.Get("limit"); l != "" {
		if q.Limit, err = strconv.Atoi(l); err != nil || q.Limit < 1 || q.Limit > MaxLimit {
			return q, fmt.Errorf("invalid limit %q: want 1..%d", l, MaxLimit)
		}
	}
	switch v.Get("direction") {
	case "", "backward":
	case "forward":
		q.Direction = Forward
	default:
		return q, errors.New("invalid direction: want backward or forward")
	}
	return q, nil
}

// parseTimeParam accepts RFC 3339 or (fractional) Unix seconds, as Prometheus does.
func parseTimeParam(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
			return time.Time{}, fmt.Errorf("%q out of range", s)
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor Unix seconds", s)
	}
	return t, nil
}

func toAPI(evs []Event) []apiEvent {
	out := make([]apiEvent, len(evs))
	for i, e := range evs {
		labels := e.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		out[i] = apiEvent{Time: e.Time.In(shanghai).Format(time.RFC3339Nano), Labels: labels, Text: e.Text}
	}
	return out
}

func writeJSON(w http.ResponseWriter, code int, v apiResponse) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
