package bmc

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// logState is where one event log stood at the last round: the entries it
// held, by id and creation time (a cleared log reuses ids, never with the
// same time).
type logState struct {
	seen map[string]bool
}

// manager reads the event logs of one manager (AMI-style BMCs keep the SEL
// there rather than under the system).
func (r *round) manager(ctx context.Context, m json.RawMessage) {
	var mg manager
	if r.decode(m, "Manager", &mg) {
		r.each(ctx, mg.LogServices.ID, r.logService)
	}
}

// logService reads one log's entries page by page (Members@odata.nextLink,
// at most max_log_pages) and turns entries not seen in the previous round
// into events. The first round after a start only learns the log: a
// restart must not replay a thousand old entries as news.
func (r *round) logService(ctx context.Context, m json.RawMessage) {
	var ls logService
	if !r.decode(m, "LogService", &ls) || ls.Entries.ID == "" {
		return
	}
	entries, complete := r.entries(ctx, ls.Entries.ID)
	r.learnLog(ls.Entries.ID, ls.ID, entries, complete)
}

// learnLog compares a log's entries with the last round's: new ones become
// events, and the log's position is kept for the next round.
func (r *round) learnLog(key, logID string, entries []logEntry, complete bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.st.logs[key]
	now := map[string]bool{}
	for _, e := range entries {
		k := e.ID + "\x00" + e.Created
		now[k] = true
		if st != nil && !st.seen[k] {
			r.events = append(r.events, r.entryEvent(logID, e))
		}
	}
	if st == nil {
		st = &logState{}
		r.st.logs[key] = st
	}
	if !complete && st.seen != nil {
		// A page failed: keep what the earlier rounds knew too, so that the
		// entries on the missing page are not news next round.
		maps.Copy(now, st.seen)
	}
	st.seen = now
}

// entries reads a log's pages; complete is false when a page failed or the
// page bound cut the walk short.
func (r *round) entries(ctx context.Context, uri string) (out []logEntry, complete bool) {
	visited := map[string]bool{}
	next := uri
	for range r.c.cfg.MaxLogPages {
		if next == "" {
			return out, true
		}
		if visited[next] || !strings.HasPrefix(next, rootPath) {
			// A BMC that hands back the page it is on, or a link off the
			// service: stop rather than loop.
			return out, true
		}
		visited[next] = true
		var page struct {
			Members  []logEntry `json:"Members"`
			NextLink string     `json:"Members@odata.nextLink"`
			// The DMTF mockup (and older services) write the OData 4.0
			// annotation without the property name.
			ODataNextLink string `json:"@odata.nextLink"`
		}
		if err := r.getJSON(ctx, next, &page); err != nil {
			r.fail(err)
			return out, false
		}
		out = append(out, page.Members...)
		next = nonEmpty(page.NextLink, page.ODataNextLink)
	}
	return out, next == ""
}

// entryEvent is one new log entry as an event: the contract's labels, the
// target's inventory labels, and the entry's own text.
func (r *round) entryEvent(logID string, e logEntry) collectors.Event {
	at, err := time.Parse(time.RFC3339, e.Created)
	if err != nil {
		at = r.now
	}
	l := r.eventLabels()
	l["severity"] = nonEmpty(e.Severity, "OK")
	l["message_id"] = clip(e.MessageID, 100)
	l["sensor_type"] = clip(e.SensorType, 100)
	l["log"] = clip(logID, 100)
	text := strings.TrimSpace(e.Message)
	if text == "" {
		text = "（无描述）"
	}
	return collectors.Event{Time: at, Labels: l, Text: clip(fmt.Sprintf("%s事件日志：%s", r.serverNoun(), text), 1000)}
}

// eventLabels are the labels every event of this BMC carries.
func (r *round) eventLabels() map[string]string {
	l := maps.Clone(r.t.Labels)
	if l == nil {
		l = map[string]string{}
	}
	l["source"], l["kind"], l["instance"] = "bmc", r.t.Kind, r.t.Name
	return l
}

// serverNoun names the server as the operator knows it: 服务器 <server>
// （<rack>）, else the target's name.
func (r *round) serverNoun() string {
	s := nonEmpty(r.t.Labels[LabelServer], r.t.Name)
	if rack := r.t.Labels[LabelRack]; rack != "" {
		return fmt.Sprintf("服务器 %s（机柜 %s）", s, rack)
	}
	return "服务器 " + s
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
