package audit

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/auth"
)

// Export formats.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
)

// exportColumns are the CSV header; JSONL uses the same names. The chain's
// columns come along so that an export can be checked against the trail.
var exportColumns = []string{"id", "time", "user", "role", "action", "object", "remote_addr", "result",
	"detail", "chain", "prev_hash", "hash"}

// ExportRow is one exported row.
type ExportRow struct {
	Entry
	Chain    string `json:"chain"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Export writes the rows written in [from, to) in chain order as CSV (UTF-8
// with a BOM, for Excel) or JSON lines, and returns how many.
func (l *Log) Export(ctx context.Context, w io.Writer, from, to time.Time, format string) (int, error) {
	var put func(ExportRow) error
	bw := bufio.NewWriter(w)
	flush := bw.Flush
	switch format {
	case FormatCSV:
		bw.WriteString("\uFEFF")
		cw := csv.NewWriter(bw)
		if err := cw.Write(exportColumns); err != nil {
			return 0, err
		}
		put = func(r ExportRow) error { return cw.Write(csvRecord(r)) }
		flush = func() error {
			cw.Flush()
			return errors.Join(cw.Error(), bw.Flush())
		}
	case FormatJSONL:
		enc := json.NewEncoder(bw)
		put = func(r ExportRow) error { return enc.Encode(r) }
	default:
		return 0, fmt.Errorf("export format %q: use csv or jsonl", format)
	}
	n, err := l.eachRow(ctx, from, to, put)
	if err != nil {
		return n, fmt.Errorf("export audit trail: %w", err)
	}
	if err := flush(); err != nil {
		return n, fmt.Errorf("export audit trail: %w", err)
	}
	return n, nil
}

func (l *Log) eachRow(ctx context.Context, from, to time.Time, put func(ExportRow) error) (int, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, ts, username, role, action, object, remote_addr, result,
		detail, chain, prev_hash, hash FROM audit_log WHERE ts >= ? AND ts < ? ORDER BY id`,
		from.UnixNano(), to.UnixNano())
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r ExportRow
		var ts int64
		if err := rows.Scan(&r.ID, &ts, &r.User, &r.Role, &r.Action, &r.Object, &r.RemoteAddr, &r.Result,
			&r.Detail, &r.Chain, &r.PrevHash, &r.Hash); err != nil {
			return n, err
		}
		r.Time = time.Unix(0, ts).In(shanghai)
		if err := put(r); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

func csvRecord(r ExportRow) []string {
	rec := []string{strconv.FormatInt(r.ID, 10), r.Time.Format(time.RFC3339Nano), r.User, string(r.Role),
		r.Action, r.Object, r.RemoteAddr, r.Result, r.Detail, r.Chain, r.PrevHash, r.Hash}
	for i := range rec {
		rec[i] = spreadsheetSafe(rec[i])
	}
	return rec
}

// spreadsheetSafe quotes a cell a spreadsheet would run as a formula: user
// names come from failed logins, so anyone can choose them.
func spreadsheetSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// ExportHandler serves GET /api/v1/audit/export?from=&to=&format=csv|jsonl
// (times as for QueryHandler, default the last 24 hours) as a download. Mount
// it for the audit administrator; the export itself is recorded in the trail.
func (l *Log) ExportHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f, err := parseFilter(q.Get, l.now())
		format := q.Get("format")
		if format == "" {
			format = FormatCSV
		}
		if err == nil && format != FormatCSV && format != FormatJSONL {
			err = fmt.Errorf("format 应为 csv 或 jsonl")
		}
		if err != nil {
			metrics.GetOrCreateCounter(`swanwatch_audit_bad_input_total{kind="export"}`).Inc()
			writeJSON(w, http.StatusBadRequest, map[string]string{"status": "error", "errorType": "bad_data",
				"error": "查询参数错误：" + err.Error()})
			return
		}
		ctype := "text/csv; charset=utf-8"
		if format == FormatJSONL {
			ctype = "application/x-ndjson; charset=utf-8"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="audit-%s-%s.%s"`,
			f.From.In(shanghai).Format("20060102T150405"), f.To.In(shanghai).Format("20060102T150405"), format))
		n, err := l.Export(r.Context(), w, f.From, f.To, format)
		result := "success"
		if err != nil {
			result = "failure" // headers are gone: the client sees a cut file
			l.log.Error("audit export", "err", err)
		}
		l.recordRead(r, "audit.export", fmt.Sprintf("%s..%s %s", f.From.Format(time.RFC3339),
			f.To.Format(time.RFC3339), format), result, fmt.Sprintf("rows=%d", n))
	})
}

// recordRead records a read of the trail itself: the audit administrator's
// reads are audited too.
func (l *Log) recordRead(r *http.Request, action, object, result, detail string) {
	e := Entry{Action: action, Object: object, RemoteAddr: clientHost(r.RemoteAddr), Result: result, Detail: detail}
	if p, ok := auth.PrincipalFrom(r.Context()); ok {
		e.User, e.Role = p.User, p.Role
	}
	if err := l.Record(context.WithoutCancel(r.Context()), e); err != nil {
		l.log.Error("audit record lost", "action", action, "user", e.User, "err", err)
	}
}
