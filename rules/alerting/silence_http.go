package alerting

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// maxBody bounds what a write endpoint reads: a silence or a note is a few
// hundred bytes.
const maxBody = 64 << 10

// SilenceAPI serves the silences (静默): reads for the viewer role, create and
// expire for the operator role; the app mounts each behind auth and the audit
// trail, so the handlers trust who for the author.
type SilenceAPI struct {
	store *Silences
	who   func(*http.Request) string
}

// NewSilenceAPI builds the handlers; who names the user behind a request.
func NewSilenceAPI(store *Silences, who func(*http.Request) string) *SilenceAPI {
	return &SilenceAPI{store: store, who: who}
}

// List answers GET /api/v1/silences (viewer); ?all=1 includes ended ones.
func (a *SilenceAPI) List(w http.ResponseWriter, r *http.Request) {
	all := r.URL.Query().Get("all")
	ss, err := a.store.List(r.Context(), all == "1" || all == "true")
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	if ss == nil {
		ss = []Silence{}
	}
	writeData(w, map[string]any{"silences": ss})
}

// Create is POST /api/v1/silences (operator).
func (a *SilenceAPI) Create(w http.ResponseWriter, r *http.Request) {
	s, err := decodeSilenceRequest(http.MaxBytesReader(w, r.Body, maxBody), a.store.now())
	if err != nil {
		badRequest(w, "silence", err)
		return
	}
	s.CreatedBy = a.who(r)
	s, err = a.store.Create(r.Context(), s)
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	writeData(w, map[string]any{"silence": s})
}

// Expire is DELETE /api/v1/silences/{id} (operator): the silence ends now.
func (a *SilenceAPI) Expire(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.store.Expire(r.Context(), id, a.who(r)); err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	writeData(w, map[string]any{"id": id, "expired": true})
}

// silenceRequest is the POST body. Times are RFC 3339; the end is given
// either as ends_at or as a duration from the start.
type silenceRequest struct {
	Matchers string `json:"matchers"`
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Duration string `json:"duration"`
	Comment  string `json:"comment"`
}

// decodeSilenceRequest reads one strict JSON object and turns it into a
// silence without an author (the caller sets it from the session).
func decodeSilenceRequest(body io.Reader, now time.Time) (Silence, error) {
	var req silenceRequest
	if err := decodeStrict(body, &req); err != nil {
		return Silence{}, err
	}
	if strings.TrimSpace(req.Comment) == "" {
		return Silence{}, errors.New("comment is required: 静默原因必填")
	}
	ms, err := ParseMatchers(req.Matchers)
	if err != nil {
		return Silence{}, err
	}
	s := Silence{Matchers: ms, Comment: strings.TrimSpace(req.Comment), StartsAt: now}
	if req.StartsAt != "" {
		if s.StartsAt, err = time.Parse(time.RFC3339, req.StartsAt); err != nil {
			return Silence{}, errors.New("starts_at must be RFC 3339, e.g. 2026-11-27T14:00:00+08:00")
		}
	}
	s.EndsAt, err = endOf(req, s.StartsAt)
	return s, err
}

func endOf(req silenceRequest, start time.Time) (time.Time, error) {
	switch {
	case req.EndsAt != "" && req.Duration != "":
		return time.Time{}, errors.New("give either ends_at or duration, not both")
	case req.EndsAt != "":
		end, err := time.Parse(time.RFC3339, req.EndsAt)
		if err != nil {
			return time.Time{}, errors.New("ends_at must be RFC 3339, e.g. 2026-11-27T18:00:00+08:00")
		}
		return end, nil
	case req.Duration != "":
		d, err := parseSilenceDuration(req.Duration)
		if err != nil {
			return time.Time{}, err
		}
		return start.Add(d), nil
	}
	return time.Time{}, errors.New("ends_at or duration is required")
}

// parseSilenceDuration accepts Go durations ("90m", "2h30m") and whole days ("3d").
func parseSilenceDuration(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * 24 * time.Hour
		if n > 365 {
			err = errors.New("too many days")
		}
	} else {
		d, err = time.ParseDuration(s)
	}
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("duration %q must be positive, like 2h, 90m or 3d", labelmatch.Clip(s))
	}
	return d, nil
}

// decodeStrict decodes exactly one JSON object with no unknown fields.
func decodeStrict(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return fmt.Errorf("bad JSON body: %w", err)
	}
	if err := dec.Decode(new(json.RawMessage)); !errors.Is(err, io.EOF) {
		return errors.New("bad JSON body: more than one value")
	}
	return nil
}

// badRequest answers a refused body: 413 when it was too large, else 400, and
// counts it by endpoint kind (silence, incident_note).
func badRequest(w http.ResponseWriter, kind string, err error) {
	metrics.GetOrCreateCounter(`swanwatch_alerting_api_rejected_total{kind="` + kind + `"}`).Inc()
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("body larger than %d KiB", maxBody>>10))
		return
	}
	writeError(w, http.StatusBadRequest, err)
}
