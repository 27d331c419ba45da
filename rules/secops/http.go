package secops

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds a JSON body (a notice's text is at most 20,000 runes).
const maxBody = 256 << 10

// The handlers are the Service's methods; the app mounts each behind auth
// (reads: viewer, writes: operator) and the POSTs behind the audit trail,
// so who names the user.

// ServeImportScan answers POST /api/v1/security/scans (operator): the report as
// the raw body or as the multipart field "file", ?format=openvas|csv
// (else from the file's extension, else an XML body is OpenVAS), ?name=,
// and ?scanned_at= (RFC 3339) for a CSV, which has no time of its own.
// Answers the ScanRecord: hosts covered, findings, opened and fixed.
func (s *Service) ServeImportScan(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var o ImportOptions
	o.Name, o.By = q.Get("name"), s.who(r)
	if v := q.Get("scanned_at"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			reject(w, http.StatusBadRequest, badInput("scanned_at %q 须为 RFC 3339 时间，如 2026-12-01T02:00:00+08:00", v))
			return
		}
		o.ScannedAt = t
	}
	body, name, err := scanBody(w, r)
	if err != nil {
		reject(w, http.StatusBadRequest, err)
		return
	}
	format, err := scanFormat(q.Get("format"), name, body)
	if err != nil {
		reject(w, http.StatusBadRequest, err)
		return
	}
	parse := ParseCSV
	if format == FormatOpenVAS {
		parse = ParseOpenVAS
	}
	scan, err := parse(body)
	if err != nil {
		metricImport(format, "bad")
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok || errors.Is(err, ErrScanTooLarge) {
			reject(w, http.StatusRequestEntityTooLarge, tooLarge())
			return
		}
		reject(w, http.StatusBadRequest, err)
		return
	}
	rec, err := s.Import(r.Context(), scan, o)
	answer(w, rec, err)
}

// scanBody is the report's reader: the multipart field "file" (with its
// file name), or the raw body. The body is bounded a little above the
// parsers' own bound, for the multipart framing.
func scanBody(w http.ResponseWriter, r *http.Request) (*bufio.Reader, string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, scanLimit+1<<20)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return bufio.NewReader(r.Body), "", nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", badInput("multipart 请求无法读取：%v", err)
	}
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, "", badInput("multipart 请求中没有 file 字段")
		}
		if p.FormName() == "file" {
			return bufio.NewReader(p), p.FileName(), nil
		}
	}
}

// scanFormat is the format asked for, else the file's extension's, else
// openvas when the body starts with '<'.
func scanFormat(asked, name string, body *bufio.Reader) (string, error) {
	switch strings.ToLower(asked) {
	case FormatOpenVAS, "gvm", "xml":
		return FormatOpenVAS, nil
	case FormatCSV:
		return FormatCSV, nil
	case "":
	default:
		return "", badInput("format %q 无效：须为 openvas 或 csv", asked)
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".xml":
		return FormatOpenVAS, nil
	case ".csv":
		return FormatCSV, nil
	}
	head, _ := body.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	if bytes.HasPrefix(head, []byte("<")) {
		return FormatOpenVAS, nil
	}
	return FormatCSV, nil
}

// ServeScans answers GET /api/v1/security/scans (viewer): the imported scans,
// the latest first.
func (s *Service) ServeScans(w http.ResponseWriter, r *http.Request) {
	scans, err := s.Scans(r.Context())
	answer(w, scans, err)
}

// ServeVulnerabilities answers GET /api/v1/security/vulnerabilities (viewer):
// ?state= (open, fixed, accepted or 未修复, 已修复, 已接受), ?severity=
// (critical … low or 紧急 … 低危), ?host=, ?overdue=true.
func (s *Service) ServeVulnerabilities(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{Host: q.Get("host")}
	if v := q.Get("state"); v != "" {
		st, ok := ParseState(v)
		if !ok {
			reject(w, http.StatusBadRequest, badInput("状态 %q 无效：须为 未修复、已修复 或 已接受", v))
			return
		}
		f.State = st
	}
	if v := q.Get("severity"); v != "" {
		sev, ok := ParseSeverity(v)
		if !ok {
			reject(w, http.StatusBadRequest, badInput("等级 %q 无效：须为 紧急、高危、中危 或 低危", v))
			return
		}
		f.Severity = sev
	}
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			reject(w, http.StatusBadRequest, badInput("overdue 须为 true 或 false"))
			return
		}
		f.Overdue = b
	}
	vs, err := s.Vulnerabilities(r.Context(), f)
	answer(w, vs, err)
}

// ServeVulnerabilityState answers POST /api/v1/security/vulnerabilities/{id}/state
// (operator) with {"state": "accepted" | "open" (or 已接受, 未修复),
// "reason": "…"}: accepting needs a reason; 已修复 is never accepted (a
// scan proves it). Answers the changed finding.
func (s *Service) ServeVulnerabilityState(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "漏洞")
	if !ok {
		return
	}
	var req struct {
		State  string `json:"state"`
		Reason string `json:"reason"`
	}
	if !decode(w, r, &req, `{"state": "accepted", "reason": "…"}`) {
		return
	}
	st, ok := ParseState(req.State)
	if !ok {
		reject(w, http.StatusBadRequest, badChange("状态 %q 无效：须为 已接受 或 未修复", req.State))
		return
	}
	v, err := s.SetState(r.Context(), id, st, req.Reason, s.who(r))
	answer(w, v, err)
}

// ServeCreateNotice answers POST /api/v1/security/notices (operator) with
// {"title", "issuer", "received_at" (RFC 3339), "text", "systems": […]};
// the 24-hour clock runs from received_at. Answers the notice (201).
func (s *Service) ServeCreateNotice(w http.ResponseWriter, r *http.Request) {
	var in NewNotice
	if !decode(w, r, &in, `{"title": "…", "issuer": "…", "received_at": "2026-12-07T09:30:00+08:00", "text": "…", "systems": ["…"]}`) {
		return
	}
	n, err := s.CreateNotice(r.Context(), in, s.who(r))
	if err == nil {
		writeJSON(w, http.StatusCreated, map[string]any{"status": "success", "data": n})
		return
	}
	answer(w, n, err)
}

// ServeNotices answers GET /api/v1/security/notices (viewer): the notices,
// the latest received first; ?open=true for the unanswered only.
func (s *Service) ServeNotices(w http.ResponseWriter, r *http.Request) {
	open, _ := strconv.ParseBool(r.URL.Query().Get("open"))
	ns, err := s.Notices(r.Context(), open)
	answer(w, ns, err)
}

// ServeNoticeResponse answers POST /api/v1/security/notices/{id}/response
// (operator) with {"text": "…"}: the response, by the user, stops the clock.
func (s *Service) ServeNoticeResponse(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r, "通报")
	if !ok {
		return
	}
	var req struct {
		Text string `json:"text"`
	}
	if !decode(w, r, &req, `{"text": "…"}`) {
		return
	}
	n, err := s.Respond(r.Context(), id, req.Text, s.who(r))
	answer(w, n, err)
}

func pathID(w http.ResponseWriter, r *http.Request, what string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		reject(w, http.StatusBadRequest, badInput("%s编号须为正整数", what))
		return 0, false
	}
	return id, true
}

// decode reads a bounded JSON body into v; on failure it answers and says false.
func decode(w http.ResponseWriter, r *http.Request, v any, shape string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return true
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		reject(w, http.StatusRequestEntityTooLarge, badInput("请求体超过 %d KiB", maxBody>>10))
		return false
	}
	reject(w, http.StatusBadRequest, badInput("请求体须为 JSON：%s（%v）", shape, jsonProblem(err)))
	return false
}

// jsonProblem says what was wrong in the body without echoing it.
func jsonProblem(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return "字段 " + te.Field + " 类型不对"
	}
	if _, ok := errors.AsType[*time.ParseError](err); ok {
		return "时间须为 RFC 3339"
	}
	if errors.Is(err, io.EOF) {
		return "请求体为空"
	}
	if strings.HasPrefix(err.Error(), "json: unknown field") {
		return strings.TrimPrefix(err.Error(), "json: ")
	}
	return "格式错误"
}

// answer writes data, or the error with its status.
func answer(w http.ResponseWriter, data any, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		reject(w, http.StatusNotFound, err)
	case errors.Is(err, ErrBadChange), errors.Is(err, ErrBadInput), errors.Is(err, ErrBadScan):
		reject(w, http.StatusBadRequest, err)
	case err != nil:
		mStoreErrors.Inc()
		writeJSON(w, http.StatusInternalServerError, map[string]any{"status": "error", "error": err.Error()})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": data})
	}
}

func reject(w http.ResponseWriter, code int, err error) {
	metricRejected(code)
	writeJSON(w, code, map[string]any{"status": "error", "error": err.Error()})
}

// earliest is the oldest time a notice or scan may carry: anything before is
// a typo, and a year before 1 (an offset across year 0) could not even be
// written back as JSON.
var earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// writeJSON encodes v before the status goes out, so that a value JSON
// cannot carry is a 500 with a reason, never a success with no body.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"status":"error","error":"内部错误：结果无法编码为 JSON"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}
