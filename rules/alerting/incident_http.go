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
	"unicode/utf8"
)

// IncidentAPI serves the incidents to the duty operator's page, the big
// screen and scripts. Reads need the viewer role, acknowledgement the
// operator role; the app mounts each behind auth and the audit trail.
type IncidentAPI struct {
	store *Incidents
	who   func(*http.Request) string // the authenticated user of a request
}

// NewIncidentAPI builds the handlers; who names the user behind a request.
func NewIncidentAPI(store *Incidents, who func(*http.Request) string) *IncidentAPI {
	return &IncidentAPI{store: store, who: who}
}

func (a *IncidentAPI) filter(r *http.Request) (IncidentFilter, error) {
	q := r.URL.Query()
	f := IncidentFilter{OpenOnly: q.Get("open") == "1" || q.Get("open") == "true", NewestFirst: true,
		Labels: map[string]string{}}
	for _, l := range []string{"district", "system", "severity", "level", "site", "alertname"} {
		if v := q.Get(l); v != "" {
			f.Labels[l] = v
		}
	}
	var err error
	if f.Since, err = parseTime(q.Get("since")); err != nil {
		return f, err
	}
	if f.Until, err = parseTime(q.Get("until")); err != nil {
		return f, err
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	return f, nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, errors.New("time must be RFC 3339, e.g. 2026-11-01T00:00:00+08:00")
	}
	return t, nil
}

// List answers GET /api/v1/incidents (viewer): ?open=1, label filters, paging.
func (a *IncidentAPI) List(w http.ResponseWriter, r *http.Request) {
	f, err := a.filter(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	incs, err := a.store.List(r.Context(), f)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	if incs == nil {
		incs = []Incident{} // an empty list, not null, for the big screen's scripts
	}
	writeData(w, map[string]any{"incidents": incs})
}

// Stats answers GET /api/v1/incidents/stats (viewer): counts, MTTA and MTTR.
func (a *IncidentAPI) Stats(w http.ResponseWriter, r *http.Request) {
	f, err := a.filter(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	f.Limit = 10000
	incs, err := a.store.List(r.Context(), f)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeData(w, map[string]any{"by": r.URL.Query().Get("by"), "stats": Aggregate(incs, r.URL.Query().Get("by"))})
}

// Get answers GET /api/v1/incidents/{id} (viewer): one incident with its timeline.
func (a *IncidentAPI) Get(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, errors.New("incident id must be a number"))
		return
	}
	inc, err := a.store.Get(r.Context(), id)
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	tl, err := a.store.Timeline(r.Context(), id)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeData(w, map[string]any{"incident": inc, "timeline": tl})
}

// Ack is POST /api/v1/incidents/{id}/ack (operator): 确认 by the logged-in user.
func (a *IncidentAPI) Ack(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, errors.New("incident id must be a number"))
		return
	}
	inc, err := a.store.Ack(r.Context(), id, a.who(r))
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	writeData(w, map[string]any{"incident": inc})
}

// maxNote bounds an operator's note (处置记录), in runes.
const maxNote = 2000

// Note appends an operator's note (处置记录) to an incident's timeline; the
// author is the session's user, never the body.
func (a *IncidentAPI) Note(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, errors.New("incident id must be a number"))
		return
	}
	text, err := decodeNote(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		badRequest(w, "incident_note", err)
		return
	}
	if _, err := a.store.Get(r.Context(), id); err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	if err := a.store.Note(r.Context(), id, "note", a.who(r), text); err != nil {
		writeError(w, http.StatusInternalServerError, fmt.Errorf("add note to incident %d: %w", id, err))
		return
	}
	tl, err := a.store.Timeline(r.Context(), id)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeData(w, map[string]any{"incident_id": id, "timeline": tl})
}

func decodeNote(body io.Reader) (string, error) {
	var req struct {
		Text string `json:"text"`
	}
	if err := decodeStrict(body, &req); err != nil {
		return "", err
	}
	text := strings.TrimSpace(req.Text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return "", errors.New("text is required: 处置记录不能为空")
	case n > maxNote:
		return "", fmt.Errorf("text is %d characters, at most %d", n, maxNote)
	}
	return text, nil
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrNoIncident):
		return http.StatusNotFound
	case errors.Is(err, ErrNoSilence):
		return http.StatusNotFound
	case errors.Is(err, ErrNotOpen), errors.Is(err, ErrAlreadyAcked), errors.Is(err, ErrSilenceEnded):
		return http.StatusConflict
	case errors.Is(err, ErrInvalidSilence):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

func writeData(w http.ResponseWriter, data any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": data})
}

func writeError(w http.ResponseWriter, code int, err error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "error", "error": err.Error()})
}
