package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/VictoriaMetrics/metrics"
)

// List answers GET /api/v1/ledger/findings (viewer) with the join now:
// ?kind= (missing, no_vm, spec_mismatch, expired_running, expiring or the
// Chinese word), ?system=, ?dept= (exact). counts are before the filters;
// problems list the ledger's bad rows and failed sources.
func (l *Ledger) List(w http.ResponseWriter, r *http.Request) {
	if l == nil { // the server has no ledger section: say so rather than list nothing
		reject(w, http.StatusNotFound, errors.New("未接入资源台账：swanwatch.yaml 的 ledger 段未配置数据来源"))
		return
	}
	q := r.URL.Query()
	var kind Kind
	if s := q.Get("kind"); s != "" {
		k, ok := ParseKind(s)
		if !ok {
			reject(w, http.StatusBadRequest, fmt.Errorf("类型 %q 无效：须为 台账缺失、有账无机、规格不符、已到期仍在运行 或 即将到期", clip(s)))
			return
		}
		kind = k
	}
	res, err := l.Findings(r.Context(), l.o.Now())
	switch {
	case errors.Is(err, ErrNoLedger):
		reject(w, http.StatusServiceUnavailable, err)
		return
	case err != nil:
		reject(w, http.StatusInternalServerError, err)
		return
	}
	system, dept := q.Get("system"), q.Get("dept")
	kept := res.Findings[:0:0]
	for _, f := range res.Findings {
		if (kind == "" || f.Kind == kind) && (system == "" || f.System == system) && (dept == "" || f.Dept == dept) {
			kept = append(kept, f)
		}
	}
	res.Findings = kept
	if res.Findings == nil {
		res.Findings = []Finding{} // an empty list, not null, for scripts
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": res})
}

func reject(w http.ResponseWriter, code int, err error) {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_ledger_api_rejected_total{code="%d"}`, code)).Inc()
	writeJSON(w, code, map[string]any{"status": "error", "error": err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
