package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/cst"
)

// AuditReader is the audit trail's read side (*audit.Log).
type AuditReader interface {
	Query(ctx context.Context, f audit.Filter) ([]audit.Entry, error)
}

// WithAudit adds the audit administrator's page (审计日志). The route wraps
// it in auth's AuditedRead, as it does the audit API, so each read of the
// page is itself in the trail.
func (w *Web) WithAudit(a AuditReader) *Web {
	w.audit = a
	return w
}

// auditPageLimit is how many rows the page shows; the export has them all.
const auditPageLimit = 500

// localLayout is what an <input type="datetime-local"> sends (with ":05"
// when its step asks for seconds).
const localLayout = "2006-01-02T15:04"

// AuditPage shows the audit trail (GET /audit?from=&to=&user=), newest first,
// by default the last 24 hours. from and to are what the form's
// datetime-local inputs send (Beijing time) or anything the audit API takes
// (RFC 3339, a date, unix seconds).
func (w *Web) AuditPage(rw http.ResponseWriter, r *http.Request) {
	q, now := r.URL.Query(), w.now()
	from, to, err := audit.ParseWindow(orDefault(q.Get("from"), now.Add(-24*time.Hour)), orDefault(q.Get("to"), now))
	data := map[string]any{"Now": now, "User": q.Get("user"), "Limit": auditPageLimit,
		"From": q.Get("from"), "To": q.Get("to")}
	if err != nil {
		data["Error"] = "查询条件错误：" + err.Error()
		w.render(&statusOnWrite{ResponseWriter: rw, status: http.StatusBadRequest}, "audit.html", data)
		return
	}
	entries, err := w.audit.Query(r.Context(), audit.Filter{From: from, To: to, User: q.Get("user"), Limit: auditPageLimit})
	if err != nil {
		w.logger.Error("audit trail for the page", "err", err)
		http.Error(rw, "审计日志暂时无法读取，请稍后重试", http.StatusInternalServerError)
		return
	}
	data["From"], data["To"] = from.In(cst.Location).Format(localLayout), to.In(cst.Location).Format(localLayout)
	data["Entries"], data["Full"] = entries, len(entries) >= auditPageLimit
	data["ExportCSV"], data["ExportJSONL"] = exportURL(from, to, "csv"), exportURL(from, to, "jsonl")
	w.render(rw, "audit.html", data)
}

// orDefault is the form's value, or t in the audit API's format.
func orDefault(s string, t time.Time) string {
	if s == "" {
		return t.Format(time.RFC3339Nano)
	}
	for _, layout := range []string{localLayout, localLayout + ":05"} {
		if lt, err := time.ParseInLocation(layout, s, cst.Location); err == nil {
			return lt.Format(time.RFC3339)
		}
	}
	return s
}

// exportURL is the audit API's export of the page's window (every user: the
// export keeps the chain, which a user filter would break).
func exportURL(from, to time.Time, format string) string {
	return "/api/v1/audit/export?" + url.Values{"from": {from.Format(time.RFC3339Nano)},
		"to": {to.Format(time.RFC3339Nano)}, "format": {format}}.Encode()
}

// statusOnWrite sends status instead of 200 with the first byte, so that
// render still sets its headers first.
type statusOnWrite struct {
	http.ResponseWriter
	status int
	sent   bool
}

func (s *statusOnWrite) Write(b []byte) (int, error) {
	if !s.sent {
		s.sent = true
		s.ResponseWriter.WriteHeader(s.status)
	}
	return s.ResponseWriter.Write(b)
}
