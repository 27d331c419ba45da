package bmc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/netfail"
)

// round is one Collect on one BMC.
type round struct {
	c       *Collector
	st      *targetState
	cl      *client
	t       collectors.Target
	now     time.Time
	sem     chan struct{} // bounds requests in flight on this BMC
	expand  string        // query that expands a collection's members, or ""
	topSkip bool          // the service takes $skip

	mu         sync.Mutex
	emitFn     collectors.Emit
	emitted    map[string]bool
	errs       []error
	seenHealth map[string]observed // component/id → this round's health
	events     []collectors.Event
	rollup     int // worst system HealthRollup, -1 none
	powerOn    int // first system's power, -1 none
	sysSeen    string
}

// observed is one component's health this round, with its conditions.
type observed struct {
	component, id, health string
	conditions            []condition
}

func newRound(c *Collector, st *targetState, t collectors.Target, now time.Time, emit collectors.Emit) *round {
	return &round{c: c, st: st, cl: st.cl, t: t, now: now, sem: make(chan struct{}, c.cfg.Parallelism),
		emitFn: emit, emitted: map[string]bool{}, seenHealth: map[string]observed{}, rollup: -1, powerOn: -1}
}

// run reads the whole BMC: systems, chassis and managers' logs side by side.
func (r *round) run(ctx context.Context) error {
	if err := r.readRoot(ctx); err != nil {
		return err
	}
	root := r.st.root
	var wg sync.WaitGroup
	wg.Go(func() { r.each(ctx, root.Systems.ID, r.system) })
	wg.Go(func() { r.each(ctx, root.Chassis.ID, r.chassis) })
	wg.Go(func() { r.each(ctx, root.Managers.ID, r.manager) })
	wg.Wait()
	if err := ctx.Err(); err != nil && len(r.emitted) == 0 {
		return transportError(ctx, err)
	}
	for _, err := range r.errs {
		if fatal(err) {
			return err
		}
	}
	if len(r.emitted) == 0 && len(r.errs) > 0 {
		// Nothing could be read (every resource refused or unreadable):
		// not a healthy server with no parts.
		return r.errs[0]
	}
	r.finish(ctx)
	r.logPartial()
	return nil
}

// logPartial logs the parts a round could not read when they change, not
// every round: a BMC whose firmware 404s a resource it links does so for
// months.
func (r *round) logPartial() {
	texts := make([]string, 0, len(r.errs))
	for _, err := range r.errs {
		texts = append(texts, err.Error())
	}
	slices.Sort(texts) // parts are read side by side: order by text, not by time
	msg := netfail.Clip(strings.Join(slices.Compact(texts), "; "), 500)
	switch {
	case msg == r.st.partial:
	case msg == "":
		r.c.log.Info("bmc round complete again", "instance", r.t.Name)
	default:
		r.c.log.Warn("bmc round incomplete", "instance", r.t.Name, "errors", msg)
	}
	r.st.partial = msg
}

// readRoot reads the service root once per client: it names the
// collections, the login URI and whether $expand works. The root answers
// without credentials (DSP0266); a BMC that wants them anyway gets them.
func (r *round) readRoot(ctx context.Context) error {
	if r.st.root != nil {
		r.expand, r.topSkip = r.st.expand, r.st.root.ProtocolFeaturesSupported.TopSkipQuery
		return nil
	}
	var root serviceRoot
	body, err := r.cl.do(ctx, "GET", rootPath+"/", nil, false)
	if errors.Is(err, ErrDevice) {
		body, err = r.cl.get(ctx, rootPath+"/")
	}
	if err != nil {
		if errors.Is(err, ErrDevice) {
			return fmt.Errorf("%w: %w", ErrNoRoot, err)
		}
		return err
	}
	if err := json.Unmarshal(body, &root); err != nil || (root.Systems.ID == "" && root.Chassis.ID == "") {
		mBadReplies.Inc()
		return fmt.Errorf("%w: %s/ has no Systems or Chassis", ErrNoRoot, rootPath)
	}
	if s := root.Links.Sessions.ID; strings.HasPrefix(s, rootPath) {
		r.cl.sessions = s
	}
	r.st.root = &root
	r.st.expand = expandQuery(root)
	r.expand, r.topSkip = r.st.expand, root.ProtocolFeaturesSupported.TopSkipQuery
	return nil
}

// expandQuery is the $expand that inlines a collection's members, if the
// service says it supports one.
func expandQuery(root serviceRoot) string {
	e := root.ProtocolFeaturesSupported.ExpandQuery
	switch {
	case e.NoLinks && e.Levels:
		return "?$expand=.($levels=1)"
	case e.NoLinks:
		return "?$expand=."
	case e.ExpandAll && e.Levels:
		return "?$expand=*($levels=1)"
	}
	return ""
}

// fail records a problem of part of the round.
func (r *round) fail(err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

// getJSON reads one resource within the BMC's request bound.
func (r *round) getJSON(ctx context.Context, uri string, v any) error {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return transportError(ctx, ctx.Err())
	}
	defer func() { <-r.sem }()
	return r.cl.getJSON(ctx, uri, v)
}

// members returns the resources of a collection, at most max_members: in
// one request where $expand works, else each member on its own (in
// parallel within the bound). A member that fails is recorded and left out.
func (r *round) members(ctx context.Context, uri string) []json.RawMessage {
	ms, _ := r.collection(ctx, uri)
	return r.fill(ctx, uri, ms)
}

// expandedMembers returns a collection's members only where the service
// expanded them; ok is false when it did not (or could not be read).
func (r *round) expandedMembers(ctx context.Context, uri string) (ms []json.RawMessage, ok bool) {
	ms, ok = r.collection(ctx, uri)
	return ms, ok && r.expand != ""
}

// collection reads a collection's members as given (expanded or links);
// ok is false when some member came back as a link only: then this BMC's
// $expand is taken as broken and not sent again (it advertised it in the
// root but does not do it, as some firmware does).
func (r *round) collection(ctx context.Context, uri string) (ms []json.RawMessage, ok bool) {
	if uri == "" {
		return nil, false
	}
	var coll collection
	err := r.getJSON(ctx, uri+r.expand, &coll)
	if err != nil && r.expand != "" && refusedQuery(err) {
		// Refused with the query (firmware that advertises $expand and
		// answers 400 or 501 to it): without it, and never again.
		r.noExpand()
		err = r.getJSON(ctx, uri, &coll)
		if err == nil {
			return coll.Members, false
		}
	}
	if err != nil {
		r.fail(err)
		return nil, false
	}
	for _, m := range coll.Members {
		if !expanded(m) {
			if r.expand != "" {
				r.noExpand()
			}
			return coll.Members, false
		}
	}
	return coll.Members, true
}

// noExpand stops sending $expand to this BMC from the next round on.
func (r *round) noExpand() {
	r.mu.Lock()
	r.st.expand = ""
	r.mu.Unlock()
}

// fill reads each member the collection gave only as a link.
func (r *round) fill(ctx context.Context, uri string, ms []json.RawMessage) []json.RawMessage {
	if len(ms) > r.c.cfg.MaxMembers {
		ms = ms[:r.c.cfg.MaxMembers]
	}
	out := make([]json.RawMessage, len(ms))
	var wg sync.WaitGroup
	for i, m := range ms {
		if expanded(m) {
			out[i] = m
			continue
		}
		var l link
		if json.Unmarshal(m, &l) != nil || !strings.HasPrefix(l.ID, rootPath) {
			r.fail(formatError(uri, errors.New("a member without a usable @odata.id")))
			continue
		}
		wg.Go(func() {
			var raw json.RawMessage
			if err := r.getJSON(ctx, l.ID, &raw); err != nil {
				r.fail(err)
				return
			}
			out[i] = raw
		})
	}
	wg.Wait()
	return slices.DeleteFunc(out, func(m json.RawMessage) bool { return m == nil })
}

// expanded reports whether a collection member is the resource itself
// rather than only its link.
func expanded(m json.RawMessage) bool {
	return bytes.Contains(m, []byte(`"Id"`)) || bytes.Contains(m, []byte(`"Status"`))
}

// each runs f on every member of a collection, side by side.
func (r *round) each(ctx context.Context, uri string, f func(context.Context, json.RawMessage)) {
	var wg sync.WaitGroup
	for _, m := range r.members(ctx, uri) {
		wg.Go(func() { f(ctx, m) })
	}
	wg.Wait()
}

// decode unmarshals a member, recording a reply we cannot read.
func (r *round) decode(m json.RawMessage, what string, v any) bool {
	if err := json.Unmarshal(m, v); err != nil {
		r.fail(formatError(what, err))
		return false
	}
	return true
}

// emit records one sample once: a BMC that lists one thing twice must not
// make the round's series ambiguous.
func (r *round) emit(metric string, v float64, labels ...string) {
	key := metric + "\x00" + strings.Join(labels, "\x00")
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.emitted[key] {
		return
	}
	r.emitted[key] = true
	r.emitFn(metric, v, labels...)
}

// opt emits v when the BMC reported it.
func (r *round) opt(metric string, v *float64, scale float64, labels ...string) {
	if v != nil {
		r.emit(metric, *v*scale, labels...)
	}
}

// healthCode is the contract's code of a Redfish Health: 0 OK, 1 Warning,
// 2 Critical; ok is false for anything else (not reported, or a typo).
func healthCode(h string) (int, bool) {
	switch h {
	case "OK":
		return 0, true
	case "Warning":
		return 1, true
	case "Critical":
		return 2, true
	}
	return 0, false
}

// health emits bmc_health for one component, unless it is Absent (the
// slot is empty: not a fault) or reports no health, and keeps it for the
// change events.
func (r *round) health(component, id string, s status) {
	if s.State == "Absent" || id == "" {
		return
	}
	code, ok := healthCode(s.Health)
	if !ok {
		return
	}
	r.emit("bmc_health", float64(code), "component", component, "id", id)
	r.mu.Lock()
	r.seenHealth[component+"/"+id] = observed{component: component, id: id, health: s.Health, conditions: s.Conditions}
	r.mu.Unlock()
}

// finish emits what is known only once every system was read, and hands
// the round's events over.
func (r *round) finish(ctx context.Context) {
	if r.rollup >= 0 {
		r.emitFn("bmc_health_rollup", float64(r.rollup))
	}
	if r.powerOn >= 0 {
		r.emitFn("bmc_power_on", float64(r.powerOn))
	}
	r.healthEvents()
	r.deliver(ctx)
}

// sortedKeys returns m's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
