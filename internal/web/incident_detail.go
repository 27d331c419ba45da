package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// incidentDetail shows one incident: what, where, since when, who
// acknowledged, the incidents it holds back and its whole timeline.
func (w *Web) incidentDetail(rw http.ResponseWriter, r *http.Request, raw string) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		http.Error(rw, "事件编号无效", http.StatusBadRequest)
		return
	}
	inc, err := w.incidents.Get(r.Context(), id)
	if errors.Is(err, alerting.ErrNoIncident) {
		http.Error(rw, "事件不存在", http.StatusNotFound)
		return
	}
	tl, err2 := w.incidents.Timeline(r.Context(), id)
	if err != nil || err2 != nil {
		w.logger.Error("read incident for the page", "incident", id, "err", errors.Join(err, err2))
		http.Error(rw, "故障事件暂时无法读取，请稍后重试", http.StatusInternalServerError)
		return
	}
	held, _ := w.incidents.List(r.Context(), alerting.IncidentFilter{OpenOnly: true, Limit: 1000})
	var children []alerting.Incident
	for _, c := range held {
		if c.SuppressedBy == id {
			children = append(children, c)
		}
	}
	w.render(rw, "incident.html", map[string]any{"Inc": inc, "SeverityName": inc.Severity.Name(),
		"Timeline": tl, "Children": children, "Now": w.now(), "Silence": alerting.SilenceMatchers(inc),
		"Pictures": pictures(inc)})
}

// picture is an image kept with an incident: the frame that showed a
// camera's fault, and for a moved camera its 基准画面 to compare.
type picture struct{ Title, URL string }

// picturePrefix is where the camera collector serves its pictures; an
// annotation pointing anywhere else is not shown, so a rule cannot make the
// page load an image from another host.
const picturePrefix = "/api/v1/cameras/"

// pictures reads the incident's evidence and reference annotations. The
// evidence asked for is the one at the incident's first firing, so the page
// shows the frame that raised it, not whatever the camera shows now.
func pictures(inc alerting.Incident) []picture {
	var out []picture
	for _, a := range []struct{ key, title string }{{"evidence", "告警画面"}, {"reference", "基准画面"}} {
		u := inc.Annotations[a.key]
		if !strings.HasPrefix(u, picturePrefix) || strings.ContainsAny(u, "\\\"<>") {
			continue
		}
		if a.key == "evidence" {
			u += "&at=" + strconv.FormatInt(inc.FirstFired.Unix(), 10)
		}
		out = append(out, picture{Title: a.title, URL: u})
	}
	return out
}
