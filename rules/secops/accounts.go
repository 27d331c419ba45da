package secops

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
)

// The command center's own administrators (R-A12 "new admin accounts"):
// an administrator account made, or an account's role raised to one, at
// the console or on the web, becomes an admin_add event like a device's.
// The NewAdminAccount rule raises it and the month's report counts it.
const (
	AccountSource   = "swanwatch" // the source label of these events
	accountInstance = "swanwatch"
	accountDistrict = "市本级"
	// accountLookback is NewAdminAccount's resolve_after: a change older
	// than that at start-up needs no incident any more.
	accountLookback = 24 * time.Hour
	accountEvery    = 30 * time.Second
	accountBatch    = 500
)

// accountActions are the trail's actions that can make an administrator.
var accountActions = []string{"user.add", "user.role"}

// AccountTrail is the audit trail as the watch reads it (audit.Log).
type AccountTrail interface {
	Since(ctx context.Context, afterID int64, from time.Time, actions []string, limit int) ([]audit.Entry, error)
}

// AccountWatch follows the audit trail and raises the administrators made.
// The trail is the one record both the server and the console write, so
// an administrator made at the console while the server ran, or while it
// was stopped (within a day), is seen too.
type AccountWatch struct {
	trail  AccountTrail
	sink   collectors.EventSink
	stored StoredEvents
	now    func() time.Time
	log    *slog.Logger
	since  time.Time // the watch's first start: the accounts made before are the installation

	from    time.Time
	last    int64          // the last row read
	raised  map[int64]bool // rows whose event the store has from before this start
	started bool
}

// NewAccountWatch watches trail, sends the events to sink and reads stored
// to know, after a restart, which changes it raised already. Changes before
// since (Service.Since: the security operations' first start) are the
// installation's administrators and raise nothing.
func NewAccountWatch(trail AccountTrail, sink collectors.EventSink, stored StoredEvents, since time.Time,
	log *slog.Logger) *AccountWatch {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &AccountWatch{trail: trail, sink: sink, stored: stored, now: time.Now, log: log, since: since}
}

// Run reads the trail every 30 seconds until ctx ends; it returns nil then.
func (w *AccountWatch) Run(ctx context.Context) error {
	tick := time.NewTicker(accountEvery)
	defer tick.Stop()
	for {
		if err := w.Turn(ctx); err != nil && ctx.Err() == nil {
			mStoreErrors.Inc()
			w.log.Warn("administrator accounts not checked", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// Turn raises the events of the administrators made since the last turn;
// the first turn looks back a day, minus those the store holds already.
func (w *AccountWatch) Turn(ctx context.Context) error {
	if !w.started {
		if err := w.start(ctx); err != nil {
			return err
		}
	}
	for {
		entries, err := w.trail.Since(ctx, w.last, w.from, accountActions, accountBatch)
		if err != nil {
			return err
		}
		var evs []collectors.Event
		for _, e := range entries {
			if ev, ok := adminEvent(e); ok && !w.raised[e.ID] {
				evs = append(evs, ev)
			}
		}
		if len(evs) > 0 {
			if err := w.sink.AppendEvents(ctx, evs); err != nil {
				return fmt.Errorf("raise the new administrators: %w", err)
			}
		}
		if len(entries) > 0 {
			w.last = entries[len(entries)-1].ID
		}
		if len(entries) < accountBatch {
			return nil
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// start reads which of the last day's changes have their event stored.
func (w *AccountWatch) start(ctx context.Context) error {
	now := w.now()
	raised := map[int64]bool{}
	match := map[string][]string{"source": {AccountSource}, "class": {"admin_add"}}
	err := w.stored(ctx, now.Add(-accountLookback-time.Hour), now.Add(time.Minute), match, func(l map[string]string) {
		if id, err := strconv.ParseInt(l["audit_id"], 10, 64); err == nil {
			raised[id] = true
		}
	})
	if err != nil {
		return fmt.Errorf("read the administrators raised before: %w", err)
	}
	w.from, w.raised, w.started = later(now.Add(-accountLookback), w.since), raised, true
	return nil
}

// adminEvent is the admin_add event of a trail entry that made an
// administrator (user.add or user.role to one of the three roles).
func adminEvent(e audit.Entry) (collectors.Event, bool) {
	role := auth.Role(detailValue(e.Detail, "role"))
	if e.Result != "success" || !role.Administrator() {
		return collectors.Event{}, false
	}
	actor := e.User
	if actor == "console" {
		actor = "console（服务器控制台）"
	}
	what := "新增管理员账号 " + e.Object
	if e.Action == "user.role" {
		what = "账号 " + e.Object + " 的角色改为管理员"
	}
	text := fmt.Sprintf("运维指挥中心%s（%s），操作人 %s", what, role.Label(), actor)
	ip := e.RemoteAddr
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	if ip != "" {
		text += "，来源 " + ip
	}
	text += fmt.Sprintf("（审计日志第 %d 行）", e.ID)
	labels := map[string]string{"source": AccountSource, "class": "admin_add", "instance": accountInstance,
		"district": accountDistrict, "severity": "major", "user": e.Object, "actor": e.User, "role": string(role),
		"audit_id": strconv.FormatInt(e.ID, 10)}
	if ip != "" {
		labels["src_ip"] = ip
	}
	return collectors.Event{Time: e.Time, Labels: labels, Text: text}, true
}

// detailValue is the value of key=value among an audit detail's words.
func detailValue(detail, key string) string {
	for _, f := range strings.Fields(detail) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	return ""
}
