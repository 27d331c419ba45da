package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Filter selects audit entries: From inclusive, To exclusive, User exact.
type Filter struct {
	From, To time.Time
	User     string
	Limit    int
}

// Query limits: the default window and row count, and the most one call returns.
const (
	defaultWindow = 24 * time.Hour
	defaultLimit  = 1000
	maxLimit      = 10000
)

// shanghai is the zone times are shown in (UTC+8, no DST since 1991).
var shanghai = time.FixedZone("CST", 8*3600)

// Query returns matching entries, newest first.
func (l *Log) Query(ctx context.Context, f Filter) ([]Entry, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, ts, username, role, action, object, remote_addr, result,
		detail FROM audit_log WHERE ts >= ? AND ts < ? AND (? = '' OR username = ?)
		ORDER BY ts DESC, id DESC LIMIT ?`, f.From.UnixNano(), f.To.UnixNano(), f.User, f.User, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("query audit trail: %w", err)
	}
	defer rows.Close()
	entries, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("query audit trail: %w", err)
	}
	if entries == nil {
		entries = []Entry{}
	}
	return entries, nil
}

// scanEntries reads the rows of a query over the entries' columns (id, ts,
// username, role, action, object, remote_addr, result, detail).
func scanEntries(rows *sql.Rows) ([]Entry, error) {
	var out []Entry
	for rows.Next() {
		var e Entry
		var ts int64
		if err := rows.Scan(&e.ID, &ts, &e.User, &e.Role, &e.Action, &e.Object, &e.RemoteAddr, &e.Result,
			&e.Detail); err != nil {
			return nil, err
		}
		e.Time = time.Unix(0, ts).In(shanghai)
		out = append(out, e)
	}
	return out, rows.Err()
}

// QueryHandler serves GET /api/v1/audit?from=&to=&user=&limit= (times as RFC
// 3339 or unix seconds, like the Prometheus API, or a date; default the last
// 24 hours).
// Mount it for the audit administrator; each query is recorded in the trail.
func (l *Log) QueryHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := parseFilter(r.URL.Query().Get, l.now())
		if err != nil {
			metrics.GetOrCreateCounter(`swanwatch_audit_bad_input_total{kind="query"}`).Inc()
			writeJSON(w, http.StatusBadRequest, map[string]string{"status": "error", "errorType": "bad_data",
				"error": "查询参数错误：" + err.Error()})
			return
		}
		entries, err := l.Query(r.Context(), f)
		if err != nil {
			l.log.Error("audit query", "err", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"status": "error",
				"errorType": "internal", "error": "审计日志查询失败"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": map[string]any{"entries": entries}})
		l.recordRead(r, "audit.query", fmt.Sprintf("%s..%s user=%s", f.From.Format(time.RFC3339),
			f.To.Format(time.RFC3339), f.User), "success", fmt.Sprintf("rows=%d", len(entries)))
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away: nothing to do
}

// parseFilter reads the query parameters through get (url.Values.Get).
func parseFilter(get func(string) string, now time.Time) (Filter, error) {
	f := Filter{From: now.Add(-defaultWindow), To: now, User: get("user"), Limit: defaultLimit}
	var err error
	if s := get("from"); s != "" {
		if f.From, err = parseTime(s); err != nil {
			return f, fmt.Errorf("from: %w", err)
		}
	}
	if s := get("to"); s != "" {
		if f.To, err = parseTime(s); err != nil {
			return f, fmt.Errorf("to: %w", err)
		}
	}
	if !f.From.Before(f.To) {
		return f, errors.New("from 必须早于 to")
	}
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxLimit {
			return f, fmt.Errorf("limit 应为 1 到 %d 的整数", maxLimit)
		}
		f.Limit = n
	}
	return f, nil
}

// ParseWindow reads a [from, to) window as the command line gives it; an
// empty to is now.
func ParseWindow(from, to string) (time.Time, time.Time, error) {
	if from == "" {
		return time.Time{}, time.Time{}, errors.New("from 不能为空")
	}
	f, err := parseFilter(func(k string) string {
		return map[string]string{"from": from, "to": to}[k]
	}, time.Now())
	return f.From, f.To, err
}

// parseTime accepts RFC 3339, a date (YYYY-MM-DD, midnight in UTC+8) or unix
// seconds with an optional fraction, within the range a unix-nanosecond column
// can hold.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return clampNano(t)
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, shanghai); err == nil {
		return clampNano(t)
	}
	sec, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(sec) || math.IsInf(sec, 0) {
		return time.Time{}, fmt.Errorf("时间格式应为 RFC3339 或 unix 秒: %q", s)
	}
	if math.Abs(sec) > 9e9 { // ~ year 2255, inside int64 nanoseconds
		return time.Time{}, fmt.Errorf("时间超出范围: %q", s)
	}
	return clampNano(time.Unix(0, int64(sec*1e9)))
}

var minNano, maxNano = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)

func clampNano(t time.Time) (time.Time, error) {
	if t.Before(minNano) || t.After(maxNano) {
		return time.Time{}, errors.New("时间超出范围")
	}
	return t, nil
}

// Since returns up to limit entries after row afterID, from from on, whose
// action is one of actions, oldest first: what a watch of the trail reads
// on each turn (secops' account watch).
func (l *Log) Since(ctx context.Context, afterID int64, from time.Time, actions []string, limit int) ([]Entry, error) {
	if len(actions) == 0 || limit <= 0 {
		return nil, nil
	}
	q := `SELECT id, ts, username, role, action, object, remote_addr, result, detail FROM audit_log
		WHERE id > ? AND ts >= ? AND action IN (?` + strings.Repeat(", ?", len(actions)-1) + `) ORDER BY id LIMIT ?`
	args := []any{afterID, from.UnixNano()}
	for _, a := range actions {
		args = append(args, a)
	}
	rows, err := l.db.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read the audit trail: %w", err)
	}
	defer rows.Close()
	out, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("read the audit trail: %w", err)
	}
	return out, nil
}
