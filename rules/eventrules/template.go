package eventrules

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// templatePrefix defines the variables Prometheus rule authors know, so
// `{{ $labels.ifname }}` works here as it does in PromQL rule annotations.
// $labels holds the event labels overridden by the alert labels, $text is
// the event text and $time its time in Asia/Shanghai; $count and $window are
// a burst rule's threshold ("100", "1分钟"), or a flap rule's changes and
// window, so a text never disagrees with the rule (empty for other rules).
const templatePrefix = `{{$labels := .Labels}}{{$text := .Text}}{{$time := .Time}}` +
	`{{$count := .Count}}{{$window := .Window}}`

// maxAnnotationBytes bounds one rendered annotation: event text comes from
// the network and a template may repeat it.
const maxAnnotationBytes = 4096

// templateData is what an annotation template sees.
type templateData struct {
	Labels map[string]string
	Text   string
	Time   string
	Count  string
	Window string
}

// templates parses every annotation; a template that cannot render on an
// empty event is rejected at load time rather than on the first real trap.
func templates(v at[map[string]string], fail failFunc) map[string]*template.Template {
	out := make(map[string]*template.Template, len(v.V))
	for _, name := range slices.Sorted(maps.Keys(v.V)) {
		t, err := template.New(name).Option("missingkey=zero").Parse(templatePrefix + v.V[name])
		if err == nil {
			err = t.Execute(&strings.Builder{}, templateData{})
		}
		if err != nil {
			fail(v.Line, "annotations: %s: %v", name, strings.ReplaceAll(err.Error(), templatePrefix, ""))
			continue
		}
		out[name] = t
	}
	return out
}

// render expands the annotations for one event. A template that fails at run
// time leaves its raw text, so the alert is still raised, and is counted.
func (r *Rule) render(labels map[string]string, text string, at time.Time) map[string]string {
	out := make(map[string]string, len(r.Annotations))
	data := templateData{Labels: labels, Text: text, Time: cst.FormatTime(at)}
	data.Count, data.Window = r.threshold()
	for name, t := range r.Annotations {
		var sb strings.Builder
		if err := t.Execute(&sb, data); err != nil {
			metrics.GetOrCreateCounter(`swanwatch_eventrules_template_errors_total`).Inc()
			out[name] = fmt.Sprintf("%s（模板错误）", r.annotationSrc[name])
			continue
		}
		out[name] = clipUTF8(sb.String(), maxAnnotationBytes)
	}
	return out
}

// clipUTF8 cuts s to at most n bytes without splitting a character.
func clipUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// threshold is what $count and $window show for r.
func (r *Rule) threshold() (count, window string) {
	switch {
	case r.Burst != nil:
		return strconv.Itoa(r.Burst.Count), windowText(r.Burst.Within)
	case r.Flap != nil:
		return strconv.Itoa(r.Flap.Changes), windowText(r.Flap.Window)
	}
	return "", ""
}
