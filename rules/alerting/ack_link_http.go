package alerting

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// AckLinkAPI serves the 确认 links: Page (GET /ack/{token}) shows the
// incident and a button, Ack (POST /ack/{token}) acknowledges. A GET never
// acknowledges, because chat apps fetch links to preview them. The signed
// link is the credential (one incident, expiring), so both are mounted open.
// The one who taps may give a name; the timeline records it with
// "（消息链接）" so nobody mistakes it for a logged-in user.
type AckLinkAPI struct {
	links *AckLinks
	store *Incidents
}

// NewAckLinkAPI builds the handlers of the 确认 links.
func NewAckLinkAPI(links *AckLinks, store *Incidents) *AckLinkAPI {
	return &AckLinkAPI{links: links, store: store}
}

// Page shows the incident behind a link and the 确认 button.
func (a *AckLinkAPI) Page(w http.ResponseWriter, r *http.Request) {
	if inc, ok := ackIncident(w, r, a.links, a.store); ok {
		renderAck(w, http.StatusOK, ackView{Inc: inc, Token: r.PathValue("token")})
	}
}

// Ack acknowledges the incident behind a link.
func (a *AckLinkAPI) Ack(w http.ResponseWriter, r *http.Request) {
	inc, ok := ackIncident(w, r, a.links, a.store)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	who := ackName(r.PostFormValue("name"))
	got, err := a.store.Ack(r.Context(), inc.ID, who)
	switch {
	case errors.Is(err, ErrAlreadyAcked), errors.Is(err, ErrNotOpen):
		renderAck(w, http.StatusConflict, ackView{Inc: got, Done: true})
	case err != nil:
		renderAck(w, http.StatusInternalServerError, ackView{Err: "确认失败，请稍后重试或登录系统确认"})
	default:
		renderAck(w, http.StatusOK, ackView{Inc: got, Done: true})
	}
}

func ackIncident(w http.ResponseWriter, r *http.Request, links *AckLinks, store *Incidents) (Incident, bool) {
	id, err := links.Verify(r.PathValue("token"))
	if err != nil {
		renderAck(w, http.StatusForbidden, ackView{Err: "确认链接无效或已过期，请登录系统确认"})
		return Incident{}, false
	}
	inc, err := store.Get(r.Context(), id)
	if err != nil {
		renderAck(w, http.StatusNotFound, ackView{Err: "事件不存在"})
		return Incident{}, false
	}
	return inc, true
}

// ackName is the recorded actor: the given name (at most 32 characters,
// printable) marked as coming from a message link.
func ackName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	for utf8.RuneCountInString(name) > 32 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		return "消息链接"
	}
	return name + "（消息链接）"
}

type ackView struct {
	Inc   Incident
	Token string
	Done  bool
	Err   string
}

var ackPage = template.Must(template.New("ack").Funcs(template.FuncMap{"time": cst.FormatTime}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>确认告警事件</title>
<style>body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em}button{font-size:1.2em;padding:.5em 2em}</style>
</head><body>
{{if .Err}}<p>{{.Err}}</p>{{else}}
<h1>事件 #{{.Inc.ID}}</h1>
<p>【{{.Inc.Severity.Name}}】{{index .Inc.Labels "district"}} {{index .Inc.Annotations "summary"}}</p>
<p>开始时间：{{time .Inc.FirstFired}}</p>
{{if .Done}}<p>{{if .Inc.AckedBy}}已由 {{.Inc.AckedBy}} 于 {{time .Inc.AckedAt}} 确认。{{end}}{{if not .Inc.Open}}事件已于 {{time .Inc.ResolvedAt}} 恢复。{{end}}</p>
{{else}}<form method="post" action="/ack/{{.Token}}">
<p><label>确认人（选填）：<input name="name" maxlength="32"></label></p>
<p><button type="submit">确认此事件</button></p></form>{{end}}
{{end}}</body></html>`))

func renderAck(w http.ResponseWriter, code int, v ackView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.WriteHeader(code)
	_ = ackPage.Execute(w, v)
}
