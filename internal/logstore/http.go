package logstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

type apiPage struct {
	Events  []apiEvent `json:"events"`
	Next    string     `json:"next,omitempty"`
	Partial string     `json:"partial,omitempty"`
}

type apiResponse struct {
	Status    string `json:"status"`
	Data      any    `json:"data,omitempty"`
	ErrorType string `json:"errorType,omitempty"`
	Error     string `json:"error,omitempty"`
}

// searchLabels are the API parameters that filter on one label each; a parameter
// may repeat or list values separated by commas (severity=critical,major).
var searchLabels = []string{"instance", "district", "severity", "source", "class"}

// Handler is ServeEvents as an http.Handler.
func (s *Store) Handler() http.Handler { return http.HandlerFunc(s.ServeEvents) }

// ServeEvents serves GET /api/v1/events in the Prometheus API envelope:
//
//	start, end   RFC 3339 or Unix seconds (default: the last hour)
//	instance, district, severity, source, class   label filters (one or several values)
//	match        a label selector ({kind=~"agent|snmp"})
//	q            case-insensitive substring of the text
//	limit        1..10000 (default 1000); direction backward (default) or forward
//	cursor       data.next of the previous page
//
// The answer is {events, next, partial}; times are RFC 3339 in Asia/Shanghai. Each
// request is bounded (Options.MaxScanEvents, QueryTimeout). Authentication is the
// router's job (viewer).
func (s *Store) ServeEvents(w http.ResponseWriter, r *http.Request) {
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
	res, err := s.Search(r.Context(), q)
	var bq *BadQueryError
	switch {
	case errors.As(err, &bq):
		writeJSON(w, http.StatusBadRequest, apiResponse{Status: "error", ErrorType: "bad_data", Error: err.Error()})
	case err != nil:
		s.log.Error("events query failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, apiResponse{Status: "error", ErrorType: "internal", Error: "query failed"})
	default:
		writeJSON(w, http.StatusOK, apiResponse{Status: "success", Data: apiPage{Events: toAPI(res.Events), Next: res.Next, Partial: res.Partial}})
	}
}

func (s *Store) parseParams(r *http.Request) (Query, error) {
	v := r.URL.Query()
	q := Query{Matchers: v.Get("match"), Text: v.Get("q"), Cursor: v.Get("cursor")}
	var err error
	if q.Labels, err = labelParams(v); err != nil {
		return q, err
	}
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

// labelParams collects the label filters of a request.
func labelParams(v url.Values) (map[string][]string, error) {
	out := map[string][]string{}
	n := 0
	for _, name := range searchLabels {
		for _, raw := range v[name] {
			if len(raw) > maxTextParam {
				return nil, fmt.Errorf("%s longer than %d bytes", name, maxTextParam)
			}
			for val := range strings.SplitSeq(raw, ",") {
				if val = strings.TrimSpace(val); val == "" {
					continue
				}
				if n++; n > maxLabelValues {
					return nil, fmt.Errorf("more than %d filter values", maxLabelValues)
				}
				out[name] = append(out[name], val)
			}
		}
	}
	return out, nil
}

// parseTimeParam accepts RFC 3339 or (fractional) Unix seconds, as Prometheus does.
func parseTimeParam(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	var t time.Time
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
			return time.Time{}, fmt.Errorf("%q out of range", s)
		}
		sec, frac := math.Modf(f)
		t = time.Unix(int64(sec), int64(frac*1e9))
	} else if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor Unix seconds", s)
	}
	// Events are kept in Unix nanoseconds: a time past 2262 (or before 1678)
	// would wrap around (found by FuzzSearchParams: end=9227000000), so it is
	// clamped, as the Prometheus API clamps its times: end=99999999999 still
	// means "until the end".
	if lo := time.Unix(0, math.MinInt64); t.Before(lo) {
		return lo, nil
	}
	if hi := time.Unix(0, math.MaxInt64); t.After(hi) {
		return hi, nil
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
