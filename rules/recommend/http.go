package recommend

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/VictoriaMetrics/metrics"
)

// maxBody bounds a state change's body.
const maxBody = 16 << 10

// API serves the recommendations: List for the viewer role, SetState for the
// operator role. The app mounts each behind auth, and SetState (a POST)
// behind the audit trail, so the handler trusts who for the user.
type API struct {
	store *Store
	who   func(*http.Request) string
}

// NewAPI serves store; who names the authenticated user of a request.
func NewAPI(store *Store, who func(*http.Request) string) *API {
	return &API{store: store, who: who}
}

// List answers GET /api/v1/recommendations (viewer): ?state= (pending,
// notified, done, rejected or the Chinese word), ?system=, ?dept=.
func (a *API) List(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{System: q.Get("system"), Dept: q.Get("dept")}
	if s := q.Get("state"); s != "" {
		st, ok := ParseState(s)
		if !ok {
			reject(w, http.StatusBadRequest, fmt.Errorf("状态 %q 无效：须为 待处理、已通知、已处理 或 不采纳", s))
			return
		}
		f.State = st
	}
	rs, err := a.store.List(r.Context(), f)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": rs})
}

// SetState answers POST /api/v1/recommendations/{id}/state (operator) with
// {"state": "notified" | "rejected" | "pending" (or 已通知, 不采纳, 待处理),
// "reason": "…"}; 不采纳 needs a reason, 已处理 is never accepted (the data
// proves it). Answers the changed recommendation.
func (a *API) SetState(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		reject(w, http.StatusBadRequest, errors.New("建议编号须为正整数"))
		return
	}
	var req struct {
		State  string `json:"state"`
		Reason string `json:"reason"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			reject(w, http.StatusRequestEntityTooLarge, fmt.Errorf("请求体超过 %d KiB", maxBody>>10))
			return
		}
		reject(w, http.StatusBadRequest, errors.New(`请求体须为 JSON：{"state": "…", "reason": "…"}`))
		return
	}
	st, ok := ParseState(req.State)
	if !ok {
		reject(w, http.StatusBadRequest, fmt.Errorf("状态 %q 无效：须为 已通知、不采纳 或 待处理", req.State))
		return
	}
	rec, err := a.store.SetState(r.Context(), id, st, req.Reason, a.who(r))
	switch {
	case errors.Is(err, ErrNotFound):
		reject(w, http.StatusNotFound, err)
	case errors.Is(err, ErrBadChange):
		reject(w, http.StatusBadRequest, err)
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "error": err.Error()})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": rec})
	}
}

func reject(w http.ResponseWriter, code int, err error) {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_recommendation_api_rejected_total{code="%d"}`, code)).Inc()
	writeJSON(w, code, map[string]any{"status": "error", "error": err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
