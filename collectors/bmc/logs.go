package bmc

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/netfail"
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
	r.mu.Lock()
	var seen map[string]bool
	if st := r.st.logs[ls.Entries.ID]; st != nil {
		seen = st.seen
	}
	r.mu.Unlock()
	entries, complete := r.entries(ctx, ls.Entries.ID, seen)
	r.learnLog(ls.Entries.ID, ls.ID, entries, complete)
}

// learnLog compares a log's entries with the last round's: new ones become
// events, and the log's position is kept for the next round.
func (r *round) learnLog(key, logID string, entries []logEntry, complete bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.st.logs[key]
	now := map[string]bool{}
	// In a newest-first log, whatever comes after an entry seen before is
	// older than it: remembered, not news (the last round may not have read
	// that far).
	newest, old := order(entries) == newestFirst, false
	for _, e := range entries {
		k := entryKey(e)
		now[k] = true
		if st == nil || old {
			continue
		}
		if st.seen[k] {
			old = newest
			continue
		}
		r.events = append(r.events, r.entryEvent(logID, e))
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

// logPage is one page of a log's entries.
type logPage struct {
	Members  []logEntry `json:"Members"`
	Count    int        `json:"Members@odata.count"`
	NextLink string     `json:"Members@odata.nextLink"`
	// The DMTF mockup (and older services) write the OData 4.0 annotation
	// without the property name.
	ODataNextLink string `json:"@odata.nextLink"`
}

func (p logPage) next() string { return nonEmpty(p.NextLink, p.ODataNextLink) }

// entries reads the part of a log where new entries can be, within
// max_log_pages: a long log is paged, and reading all of it every round
// would cost its BMC dozens of requests a minute. Where the first page is
// newest first, new entries are at the front: the walk goes on only while
// a page holds no entry seen before. Where it is oldest first, they are
// at the end: with $skip (TopSkipQuery in the root) the walk jumps there;
// without, it walks from the front. complete is false when a page failed
// or the bound cut a walk short.
func (r *round) entries(ctx context.Context, uri string, seen map[string]bool) (out []logEntry, complete bool) {
	var first logPage
	if err := r.getJSON(ctx, uri, &first); err != nil {
		r.fail(err)
		return nil, false
	}
	out = first.Members
	next := first.next()
	if next == "" {
		return out, true
	}
	visited := map[string]bool{uri: true}
	pages := r.c.cfg.MaxLogPages - 1
	switch order(first.Members) {
	case newestFirst:
		if seen == nil || hasSeen(first.Members, seen) {
			// The first round only learns the front; a front that holds
			// an entry seen before holds all that is new.
			return out, true
		}
		more, ok := r.walk(ctx, next, pages, visited, seen)
		return append(out, more...), ok
	case oldestFirst:
		if r.topSkip && first.Count > len(first.Members) && len(first.Members) > 0 {
			tail := min(first.Count-len(first.Members), pages*len(first.Members))
			skip := fmt.Sprintf("%s?$skip=%d", uri, first.Count-tail)
			more, ok := r.walk(ctx, skip, pages, visited, nil)
			return append(out, more...), ok
		}
	}
	more, ok := r.walk(ctx, next, pages, visited, nil)
	return append(out, more...), ok
}

// walk follows next links for at most pages pages; with seen set (a
// newest-first log), it stops after a page that holds an entry seen before.
func (r *round) walk(ctx context.Context, next string, pages int, visited, seen map[string]bool) ([]logEntry, bool) {
	var out []logEntry
	for range pages {
		if next == "" {
			return out, true
		}
		if visited[next] || !strings.HasPrefix(next, rootPath) {
			// A BMC that hands back a page already read, or a link off
			// the service: stop rather than loop.
			return out, true
		}
		visited[next] = true
		var page logPage
		if err := r.getJSON(ctx, next, &page); err != nil {
			r.fail(err)
			return out, false
		}
		out = append(out, page.Members...)
		next = page.next()
		if seen != nil && hasSeen(page.Members, seen) {
			return out, true // the rest of a newest-first log is older
		}
	}
	return out, next == ""
}

// entryKey identifies an entry: a cleared log reuses ids, never with the
// same creation time.
func entryKey(e logEntry) string { return e.ID + "\x00" + e.Created }

func hasSeen(es []logEntry, seen map[string]bool) bool {
	for _, e := range es {
		if seen[entryKey(e)] {
			return true
		}
	}
	return false
}

// Orders of a log's entries.
const (
	orderUnknown = iota
	newestFirst
	oldestFirst
)

// order tells from one page whether a log lists its newest entry first:
// by the creation times of its first and last entries, else by numeric ids.
func order(es []logEntry) int {
	if len(es) < 2 {
		return orderUnknown
	}
	a, b := es[0], es[len(es)-1]
	ta, errA := time.Parse(time.RFC3339, a.Created)
	tb, errB := time.Parse(time.RFC3339, b.Created)
	if errA == nil && errB == nil && !ta.Equal(tb) {
		if ta.After(tb) {
			return newestFirst
		}
		return oldestFirst
	}
	ia, errA := strconv.Atoi(a.ID)
	ib, errB := strconv.Atoi(b.ID)
	switch {
	case errA != nil || errB != nil || ia == ib:
		return orderUnknown
	case ia > ib:
		return newestFirst
	}
	return oldestFirst
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
	l["message_id"] = netfail.Clip(e.MessageID, 100)
	l["sensor_type"] = netfail.Clip(e.SensorType, 100)
	l["log"] = netfail.Clip(logID, 100)
	text := strings.TrimSpace(e.Message)
	if text == "" {
		text = "（无描述）"
	}
	return collectors.Event{Time: at, Labels: l, Text: netfail.Clip(fmt.Sprintf("%s事件日志：%s", r.serverNoun(), text), 1000)}
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
