package app

import (
	"fmt"
	"net/http"
	"net/http/pprof"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/bigscreen"
	"github.com/swanwatch/swanwatch/collectors/camera"
	"github.com/swanwatch/swanwatch/collectors/device"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/cloudapi"
	"github.com/swanwatch/swanwatch/internal/web"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/recommend"
)

// route is one entry of the HTTP surface: where, who may call it, what
// answers. Domain packages expose handlers; only this table says where they
// are mounted and with which role.
type route struct {
	pattern string    // "METHOD /path", as http.ServeMux reads it
	role    auth.Role // the route's role class (auth's permission table says which roles may use it); open for the few requests that carry their own credential
	handler http.Handler
	// read marks a POST that only reads (the Prometheus query API, which
	// Grafana calls with POST): kept out of the audit trail, which keeps every
	// row for 180 days. Every other non-GET is audited.
	read bool
	// push marks a device sending data (a plate camera's read): not an
	// operator's action, so it stays out of the audit trail, which would
	// otherwise keep every car for 180 days; its handler counts and
	// authenticates what it takes.
	push bool
}

// open is the "role" of a route that needs no login: health, the login
// itself, and links whose token is the credential (the wall's screen token,
// the signed 确认 link in a message).
const open auth.Role = ""

// routes is the whole HTTP surface of the server.
func (s *system) routes() []route {
	rs := []route{
		{pattern: "GET /healthz", role: open, handler: text("ok")},
		{pattern: "GET /-/ready", role: open, handler: text("ready")},
		{pattern: "GET /login", role: open, handler: http.HandlerFunc(s.auth.ServeLoginPage)},
		{pattern: "POST /api/v1/login", role: open, handler: http.HandlerFunc(s.auth.ServeLogin)},
		{pattern: "GET /wall/login", role: open, handler: http.HandlerFunc(s.auth.ServeWallLogin)},
		// Every account, the supervising authority's (监管) and the auditor's too, logs out and asks who it is.
		{pattern: "POST /api/v1/logout", role: auth.ClassAnyone, handler: http.HandlerFunc(s.auth.ServeLogout)},
		{pattern: "GET /api/v1/whoami", role: auth.ClassAnyone, handler: http.HandlerFunc(s.auth.ServeWhoami)},
		// Tokens are credentials: the security administrator's (安全管理员).
		{pattern: "POST /api/v1/tokens", role: auth.RoleSecadmin, handler: http.HandlerFunc(s.auth.ServeCreateToken)},
		{pattern: "GET /api/v1/tokens", role: auth.RoleSecadmin, handler: http.HandlerFunc(s.auth.ServeListTokens)},
		{pattern: "DELETE /api/v1/tokens", role: auth.RoleSecadmin, handler: http.HandlerFunc(s.auth.ServeRevokeToken)},
		{pattern: "POST /api/v1/password", role: auth.ClassAnyone, handler: http.HandlerFunc(s.auth.ServeChangePassword)},
	}
	// One set of pages (templates parsed once) for every group that serves one.
	pages := web.New(s.runner, s.logger, nil).WithIncidents(s.incidents).WithSilences(s.notify.silences).
		WithUsers(s.auth).WithAudit(s.audit)
	rs = append(rs, s.queryRoutes()...)
	rs = append(rs, s.pageRoutes(pages)...)
	rs = append(rs, s.incidentRoutes()...)
	rs = append(rs, s.phoneRoutes()...)
	rs = append(rs, s.reportTableRoutes()...)
	rs = append(rs, s.kindRoutes()...)
	rs = append(rs, s.jobRoutes()...)
	rs = append(rs, s.cloudRoutes()...)
	rs = append(rs, s.securityRoutes()...)
	rs = append(rs, s.userRoutes(pages)...)
	return append(rs, s.adminRoutes(pages)...)
}

// queryRoutes are the Prometheus-compatible query API (Grafana's data source).
func (s *system) queryRoutes() []route {
	q := s.query
	rs := []route{
		{pattern: "GET /api/v1/metadata", role: auth.RoleViewer, handler: q.Endpoint("metadata")},
		{pattern: "GET /api/v1/status/buildinfo", role: auth.RoleViewer, handler: q.Endpoint("buildinfo")},
		{pattern: "GET /api/v1/status/runtimeinfo", role: auth.RoleViewer, handler: q.Endpoint("runtimeinfo")},
		{pattern: "GET /api/v1/events", role: auth.RoleViewer, handler: s.events.Handler()},
		// SwanWatch's own metrics (swanwatch_*), for whoever watches the watcher.
		{pattern: "GET /metrics", role: auth.RoleViewer, handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			metrics.WritePrometheus(w, true)
		})},
	}
	for _, e := range [][2]string{{"/api/v1/query", "query"}, {"/api/v1/query_range", "query_range"},
		{"/api/v1/series", "series"}, {"/api/v1/labels", "labels"}, {"/api/v1/label/{name}/values", "label_values"}} {
		path, name := e[0], e[1]
		rs = append(rs, route{pattern: "GET " + path, role: auth.RoleViewer, handler: q.Endpoint(name)},
			route{pattern: "POST " + path, role: auth.RoleViewer, handler: q.Endpoint(name), read: true})
	}
	return rs
}

// pageRoutes are the operators' pages and the video wall.
func (s *system) pageRoutes(w *web.Web) []route {
	v := auth.RoleViewer
	return []route{
		{pattern: "GET /{$}", role: v, handler: http.HandlerFunc(w.StatusPage)},
		{pattern: "GET /targets", role: v, handler: http.HandlerFunc(w.TargetsPage)},
		{pattern: "GET /incidents", role: v, handler: http.HandlerFunc(w.IncidentsPage)},
		{pattern: "GET /silences", role: v, handler: http.HandlerFunc(w.SilencesPage)},
		{pattern: "GET /static/", role: v, handler: w.Static()},
		{pattern: "GET /api/v1/targets", role: v, handler: http.HandlerFunc(w.TargetsAPI)},
		{pattern: "GET /api/v1/agents/offline", role: v, handler: http.HandlerFunc(w.OfflineAPI)},
		{pattern: "GET /api/v1/agents/online_rate", role: v, handler: http.HandlerFunc(w.RateAPI)},
		// The wall: viewer auth here also takes the screen cookie, on GET /wall/... only.
		{pattern: "GET /wall/ws", role: v, handler: s.wall.hub},
		{pattern: "GET /wall/", role: v, handler: bigscreen.PageHandler()},
		// Anything else: a login first, then 404, so paths are not probed anonymously.
		{pattern: "/", role: v, handler: http.NotFoundHandler()},
	}
}

// incidentRoutes are incidents, silences and the 确认 links in messages.
func (s *system) incidentRoutes() []route {
	inc := alerting.NewIncidentAPI(s.incidents, userOf)
	sil := alerting.NewSilenceAPI(s.notify.silences, userOf)
	v, op := auth.RoleViewer, auth.RoleOperator
	return []route{
		{pattern: "GET /api/v1/incidents", role: v, handler: http.HandlerFunc(inc.List)},
		{pattern: "GET /api/v1/incidents/stats", role: v, handler: http.HandlerFunc(inc.Stats)},
		{pattern: "GET /api/v1/incidents/{id}", role: v, handler: http.HandlerFunc(inc.Get)},
		{pattern: "POST /api/v1/incidents/{id}/ack", role: op, handler: http.HandlerFunc(inc.Ack)},
		{pattern: "POST /api/v1/incidents/{id}/notes", role: op, handler: http.HandlerFunc(inc.Note)},
		{pattern: "GET /api/v1/silences", role: v, handler: http.HandlerFunc(sil.List)},
		{pattern: "POST /api/v1/silences", role: op, handler: http.HandlerFunc(sil.Create)},
		{pattern: "DELETE /api/v1/silences/{id}", role: op, handler: http.HandlerFunc(sil.Expire)},
	}
}

// reportTableRoutes are the monthly SLA and the daily inspection reports
// and the recommendations they make.
func (s *system) reportTableRoutes() []route {
	v, recs := auth.RoleViewer, recommend.NewAPI(s.recs, userOf)
	return []route{
		{pattern: "GET /api/v1/reports/sla", role: v, handler: http.HandlerFunc(s.reports.Months)},
		{pattern: "GET /api/v1/reports/sla/{month}", role: v, handler: http.HandlerFunc(s.reports.MonthReport)},
		{pattern: "GET /api/v1/reports/inspection/{date}", role: v, handler: http.HandlerFunc(s.reports.Inspection)},
		// The idle and low-use findings followed until done: an operator marks one 已通知 or 不采纳 (audited).
		{pattern: "GET /api/v1/recommendations", role: v, handler: http.HandlerFunc(recs.List)},
		{pattern: "POST /api/v1/recommendations/{id}/state", role: auth.RoleOperator, handler: http.HandlerFunc(recs.SetState)},
		// R-A3: the resource ledger's differences with what runs (404 when no ledger is configured).
		{pattern: "GET /api/v1/ledger/findings", role: v, handler: http.HandlerFunc(s.resLedger.List)},
	}
}

// kindRoutes are what collector kinds serve: the cameras' pictures (the
// wall's thumbnails under /wall/, where the screen cookie opens them) and
// the plate cameras' pushes.
func (s *system) kindRoutes() []route {
	var rs []route
	if c, ok := s.kinds[camera.Kind].Collector.(*camera.Collector); ok {
		v, op := auth.RoleViewer, auth.RoleOperator
		rs = append(rs,
			route{pattern: "GET /api/v1/cameras", role: v, handler: http.HandlerFunc(c.ServeStatus)},
			route{pattern: "GET /api/v1/cameras/thumb", role: v, handler: http.HandlerFunc(c.ServeThumb)},
			route{pattern: "GET /api/v1/cameras/evidence", role: v, handler: http.HandlerFunc(c.ServeEvidence)},
			route{pattern: "GET /api/v1/cameras/reference", role: v, handler: http.HandlerFunc(c.ServeReference)},
			// The operator confirms the camera's present view as its 基准画面 (audited).
			route{pattern: "POST /api/v1/cameras/reference", role: op, handler: http.HandlerFunc(c.ConfirmReference)},
			route{pattern: "GET " + camera.WallThumbPath, role: v, handler: http.HandlerFunc(c.ServeThumb)},
			route{pattern: "GET " + camera.WallReferencePath, role: v, handler: http.HandlerFunc(c.ServeReference)})
	}
	if d, ok := s.kinds[device.Kind].Collector.(*device.Collector); ok {
		// A camera cannot log in: the push token (push_token_file) is its credential.
		rs = append(rs, route{pattern: "POST /api/v1/push/plate", role: open, handler: d.Plates(), push: true})
	}
	return rs
}

// jobRoutes are the scheduled jobs' check-ins and their list.
func (s *system) jobRoutes() []route {
	return []route{
		// A backup script cannot log in: the job's token (token_file) is its credential.
		{pattern: "POST /api/v1/jobs/{name}/runs", role: open, handler: http.HandlerFunc(s.jobs.ServePush), push: true},
		{pattern: "GET /api/v1/jobs", role: auth.RoleViewer, handler: http.HandlerFunc(s.jobs.ServeList)},
	}
}

// cloudRoutes are the "一朵云" data interface (R-A6) for the city's cloud
// management platform and the supervising authority: read-only, the one
// part of the server a supervisor (监管) token opens. docs: its openapi.yaml.
func (s *system) cloudRoutes() []route {
	api, sv, p := s.cloud, auth.RoleSupervisor, "GET "+cloudapi.Prefix
	return []route{
		{pattern: p + "alerts", role: sv, handler: api.Alerts()},
		{pattern: p + "instances", role: sv, handler: api.Instances()},
		{pattern: p + "utilisation", role: sv, handler: api.Utilisation()},
		{pattern: p + "metering", role: sv, handler: api.Metering()},
		{pattern: p + "openapi.yaml", role: sv, handler: cloudapi.OpenAPI()},
	}
}

// adminRoutes change the server or show what only an administrator may see:
// the system administrator (系统管理员) runs the server, the audit
// administrator (审计管理员) alone reads the audit trail, and each of its
// reads is itself audited (auth's AuditedRead).
func (s *system) adminRoutes(pages *web.Web) []route {
	sys := auth.RoleSysadmin
	return []route{
		{pattern: "POST /-/reload", role: sys, handler: http.HandlerFunc(s.reload.handle)},
		{pattern: "GET /api/v1/audit", role: auth.RoleAuditor, handler: s.auth.AuditedRead(s.audit.QueryHandler())},
		{pattern: "GET /api/v1/audit/export", role: auth.RoleAuditor, handler: s.auth.AuditedRead(s.audit.ExportHandler())},
		{pattern: "GET /api/v1/audit/verify", role: auth.RoleAuditor, handler: s.auth.AuditedRead(s.audit.VerifyHandler())},
		// The 审计日志 page: its reads are audited like the API's.
		{pattern: "GET /audit", role: auth.RoleAuditor, handler: s.auth.AuditedRead(http.HandlerFunc(pages.AuditPage))},
		// Profiles for whoever must explain a CPU or memory figure.
		{pattern: "GET /debug/pprof/", role: sys, handler: http.HandlerFunc(pprof.Index)},
		{pattern: "GET /debug/pprof/profile", role: sys, handler: http.HandlerFunc(pprof.Profile)},
	}
}

// userRoutes are the accounts under MLPS level 3's separation (三员分立):
// the system administrator (系统管理员) makes, disables and removes the
// accounts of viewers and operators and resets their passwords; the security
// administrator (安全管理员) gives roles, resets another administrator's TOTP
// and sets the password and lockout policy. Neither alone makes an
// administrator. The 账号管理 page is both administrators' (class accounts);
// it shows each only its own buttons, which call the API.
func (s *system) userRoutes(pages *web.Web) []route {
	sys, sec, a := auth.RoleSysadmin, auth.RoleSecadmin, s.auth
	return []route{
		{pattern: "GET /users", role: auth.ClassAccounts, handler: http.HandlerFunc(pages.UsersPage)},
		{pattern: "GET /users/users.js", role: auth.ClassAccounts, handler: pages.UsersScript()},
		{pattern: "GET /users/policy", role: sec, handler: http.HandlerFunc(pages.PolicyPage)},
		{pattern: "GET /api/v1/users", role: sys, handler: http.HandlerFunc(a.ServeListUsers)},
		{pattern: "POST /api/v1/users", role: sys, handler: http.HandlerFunc(a.ServeAddUser)},
		{pattern: "POST /api/v1/users/{name}/password", role: sys, handler: http.HandlerFunc(a.ServeResetPassword)},
		{pattern: "POST /api/v1/users/{name}/disable", role: sys, handler: http.HandlerFunc(a.ServeDisableUser)},
		{pattern: "DELETE /api/v1/users/{name}", role: sys, handler: http.HandlerFunc(a.ServeDeleteUser)},
		{pattern: "PUT /api/v1/users/{name}/role", role: sec, handler: http.HandlerFunc(a.ServeSetRole)},
		{pattern: "DELETE /api/v1/users/{name}/totp", role: sec, handler: http.HandlerFunc(a.ServeResetTOTP)},
		{pattern: "GET /api/v1/auth/policy", role: sec, handler: http.HandlerFunc(a.ServePolicy)},
		{pattern: "PUT /api/v1/auth/policy", role: sec, handler: http.HandlerFunc(a.ServeSetPolicy)},
	}
}

// securityRoutes are the logs and the security operations (R-A7, R-A12):
// the 日志检索 page and its search, imported vulnerability scans tracked to
// closure, and regulators' notices (通报) with their 24-hour clock; an
// operator imports, accepts and answers (audited).
func (s *system) securityRoutes() []route {
	v, op, sec := auth.RoleViewer, auth.RoleOperator, s.secops
	return []route{
		{pattern: "GET /logs", role: v, handler: http.HandlerFunc(s.events.ServeSearchPage)},
		{pattern: "GET /logs/search.js", role: v, handler: http.HandlerFunc(s.events.ServeSearchScript)},
		{pattern: "POST /api/v1/security/scans", role: op, handler: http.HandlerFunc(sec.ServeImportScan)},
		{pattern: "GET /api/v1/security/scans", role: v, handler: http.HandlerFunc(sec.ServeScans)},
		{pattern: "GET /api/v1/security/vulnerabilities", role: v, handler: http.HandlerFunc(sec.ServeVulnerabilities)},
		{pattern: "POST /api/v1/security/vulnerabilities/{id}/state", role: op, handler: http.HandlerFunc(sec.ServeVulnerabilityState)},
		{pattern: "POST /api/v1/security/notices", role: op, handler: http.HandlerFunc(sec.ServeCreateNotice)},
		{pattern: "GET /api/v1/security/notices", role: v, handler: http.HandlerFunc(sec.ServeNotices)},
		{pattern: "POST /api/v1/security/notices/{id}/response", role: op, handler: http.HandlerFunc(sec.ServeNoticeResponse)},
	}
}

func text(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, body) })
}
