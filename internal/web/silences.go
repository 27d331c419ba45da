package web

import (
	"context"
	"net/http"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// SilenceLister is the silence store's read side (*alerting.Silences).
type SilenceLister interface {
	List(ctx context.Context, includeExpired bool) ([]alerting.Silence, error)
}

// WithSilences adds the duty operator's silence page (静默) to the pages.
// Creating and expiring go through the operator API (alerting.SilenceAPI),
// so the page itself only reads.
func (w *Web) WithSilences(l SilenceLister) *Web {
	w.silences = l
	return w
}

// silenceDurations are the form's choices; the API refuses more than 30 days.
var silenceDurations = []struct{ Value, Label string }{
	{"1h", "1小时"}, {"2h", "2小时"}, {"4h", "4小时"}, {"8h", "8小时"},
	{"24h", "1天"}, {"3d", "3天"}, {"7d", "7天"}, {"30d", "30天"},
}

// silenceRow is one line of the page.
type silenceRow struct {
	alerting.Silence
	Pending bool          // starts later
	Left    time.Duration // until it ends
}

// SilencesPage lists the silences (屏蔽规则) in force and those that ended.
func (w *Web) SilencesPage(rw http.ResponseWriter, r *http.Request) {
	ss, err := w.silences.List(r.Context(), false)
	if err != nil {
		w.logger.Error("list silences for the page", "err", err)
		http.Error(rw, "静默列表暂时无法读取，请稍后重试", http.StatusInternalServerError)
		return
	}
	now := w.now()
	rows := make([]silenceRow, len(ss))
	for i, s := range ss {
		rows[i] = silenceRow{Silence: s, Pending: now.Before(s.StartsAt), Left: s.EndsAt.Sub(now)}
	}
	w.render(rw, "silences.html", map[string]any{
		"Rows": rows, "Now": now, "Durations": silenceDurations,
		// ?matchers= pre-fills the form, e.g. from an incident's labels.
		"Prefill": r.URL.Query().Get("matchers"),
	})
}
