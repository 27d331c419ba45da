package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/util/annotations"
)

// errorType is the "errorType" string of a Prometheus API error response.
type errorType string

// The error types clients (client_golang, Grafana) switch on.
const (
	errBadData  errorType = "bad_data"
	errExec     errorType = "execution"
	errTimeout  errorType = "timeout"
	errCanceled errorType = "canceled"
	errInternal errorType = "internal"
	errNotFound errorType = "not_found"
)

// maxAnnotations caps warnings and infos per response, as Prometheus does.
const maxAnnotations = 10

// apiError is an error with the type the client sees.
type apiError struct {
	typ errorType
	err error
}

func (e *apiError) Error() string { return fmt.Sprintf("%s: %v", e.typ, e.err) }

func (e *apiError) Unwrap() error { return e.err }

// status maps an error type to Prometheus's HTTP status code.
func (t errorType) status() int {
	switch t {
	case errBadData:
		return http.StatusBadRequest
	case errExec:
		return http.StatusUnprocessableEntity
	case errTimeout, errCanceled:
		return http.StatusServiceUnavailable
	case errNotFound:
		return http.StatusNotFound
	default:
		return http.StatusInternalServerError
	}
}

func badData(err error) *apiError { return &apiError{errBadData, err} }

// invalidParam names the parameter so the user knows which field to fix.
func invalidParam(name string, err error) *apiError {
	return badData(fmt.Errorf("invalid parameter %q: %w", name, err))
}

// engineError classifies an error from the PromQL engine or the storage the
// way Prometheus does, so clients retry timeouts but not bad queries.
func engineError(err error) *apiError {
	var (
		canceled promql.ErrQueryCanceled
		timeout  promql.ErrQueryTimeout
		storage  promql.ErrStorage
	)
	switch {
	case errors.As(err, &canceled), errors.Is(err, context.Canceled):
		return &apiError{errCanceled, err}
	case errors.As(err, &timeout), errors.Is(err, context.DeadlineExceeded):
		return &apiError{errTimeout, err}
	case errors.As(err, &storage):
		return &apiError{errInternal, err}
	}
	return &apiError{errExec, err}
}

// response is Prometheus's JSON envelope.
type response struct {
	Status    string    `json:"status"`
	Data      any       `json:"data,omitempty"`
	ErrorType errorType `json:"errorType,omitempty"`
	Error     string    `json:"error,omitempty"`
	Warnings  []string  `json:"warnings,omitempty"`
	Infos     []string  `json:"infos,omitempty"`
}

// result is what an endpoint returns; finalize releases engine memory that
// data still points into, so it runs only after the body is written.
type result struct {
	data     any
	err      *apiError
	warnings annotations.Annotations
	finalize func()
}

func fail(err *apiError) result { return result{err: err} }

// apiFunc is one endpoint. The request's form is parsed before it runs.
type apiFunc func(r *http.Request) result

// handle wraps an endpoint with the body bound, form parsing, the JSON
// envelope, own metrics and logging.
func (q *Query) handle(endpoint string, f apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		res := result{}
		if err := r.ParseForm(); err != nil {
			res = fail(badData(fmt.Errorf("parse form: %w", err)))
		} else {
			res = f(r)
		}
		q.write(w, r, res)
		if res.finalize != nil {
			res.finalize()
		}
		q.observe(endpoint, r, res.err, start)
	}
}

// write renders res as Prometheus would.
func (q *Query) write(w http.ResponseWriter, r *http.Request, res result) {
	resp := response{Status: "success", Data: res.data}
	code := http.StatusOK
	if res.err != nil {
		resp = response{Status: "error", ErrorType: res.err.typ, Error: res.err.err.Error()}
		code = res.err.typ.status()
	}
	resp.Warnings, resp.Infos = res.warnings.AsStrings(r.FormValue("query"), maxAnnotations, maxAnnotations)
	b, err := json.Marshal(&resp)
	if err != nil {
		q.log.Error("marshal api response", "path", r.URL.Path, "err", err)
		http.Error(w, "marshal response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(b) // a client that went away is not our error
}

// observe counts the request by endpoint and outcome (both bounded sets) and
// logs failures once, here, where they are handled.
func (q *Query) observe(endpoint string, r *http.Request, aerr *apiError, start time.Time) {
	outcome := "success"
	if aerr != nil {
		outcome = string(aerr.typ)
		level := slog.LevelWarn
		if aerr.typ == errBadData {
			level = slog.LevelDebug
		}
		q.log.Log(r.Context(), level, "api request failed", "endpoint", endpoint, "error_type", outcome, "err", aerr.err)
	}
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_api_requests_total{endpoint=%q,outcome=%q}`, endpoint, outcome)).Inc()
	metrics.GetOrCreateHistogram(fmt.Sprintf(`swanwatch_api_request_duration_seconds{endpoint=%q}`, endpoint)).UpdateDuration(start)
}
