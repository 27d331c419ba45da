package recommend

import (
	"context"
	"fmt"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/pricelist"
	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// SyncResult counts what Sync did.
type SyncResult struct {
	New    int // findings seen for the first time
	Seen   int // findings already tracked (the same object carries over)
	Proved int // open recommendations the data proved done
}

// Sync files month's findings (the monthly report's, rules/report) and then
// checks every open recommendation against the data at the month's end (or
// now, for the running month): a finding seen again stays the same
// recommendation with its latest figures; one no longer found stays open
// until the data proves it done.
func (s *Store) Sync(ctx context.Context, month string, findings []report.Finding) (SyncResult, error) {
	start, err := sla.ParseMonth(month)
	if err != nil {
		return SyncResult{}, err
	}
	var res SyncResult
	for _, f := range findings {
		if !actionable(f) {
			continue
		}
		isNew, err := s.file(ctx, month, f)
		if err != nil {
			return res, err
		}
		if isNew {
			res.New++
		} else {
			res.Seen++
		}
	}
	at := start.AddDate(0, 1, 0)
	if now := s.now(); now.Before(at) {
		at = now
	}
	res.Proved, err = s.prove(ctx, month, at)
	metrics.GetOrCreateCounter(`swanwatch_recommendations_proved_total`).Add(res.Proved)
	return res, err
}

// actionable: a downsize whose cheapest fit is the current spec asks
// nothing of anyone, so it is not followed.
func actionable(f report.Finding) bool {
	if kindWords[f.Recommendation] == "" {
		return false
	}
	return f.Recommendation != KindDownsize || !f.Price.Known || f.Price.Target != f.Price.Spec
}

// file inserts a finding or, when its VM and kind are tracked, refreshes an
// open one's figures (a closed one keeps its own, the saving it was done at).
func (s *Store) file(ctx context.Context, month string, f report.Finding) (bool, error) {
	now := s.now().UnixMilli()
	priced := 0
	if f.Price.Known {
		priced = 1
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO recommendations (vm, kind, system, dept, district, spec, target, keeper,
		priced, yuan, reason, state, first_month, last_month, changed_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (vm, kind) DO NOTHING`,
		f.VM, f.Recommendation, f.System, f.Dept, f.District, f.Price.Spec, f.Price.Target, f.Price.Keeper, priced,
		f.Price.Yuan, reasonOf(f), Pending, month, month, now, now)
	if err != nil {
		return false, fmt.Errorf("file recommendation %s %s: %w", f.VM, f.Recommendation, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	return false, s.refresh(ctx, month, f, priced)
}

// refresh brings an open recommendation to a later month's figures, but
// only while its spec is the one it was made for: a VM resized since keeps
// the figures its proof is checked against. Months seen always widen.
func (s *Store) refresh(ctx context.Context, month string, f report.Finding, priced int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE recommendations SET
		(system, dept, district, target, keeper, priced, yuan, reason) = (?, ?, ?, ?, ?, ?, ?, ?)
		WHERE vm = ? AND kind = ? AND state IN ('pending', 'notified') AND ? >= last_month AND spec = ?`,
		f.System, f.Dept, f.District, f.Price.Target, f.Price.Keeper, priced, f.Price.Yuan, reasonOf(f),
		f.VM, f.Recommendation, month, f.Price.Spec)
	if err == nil {
		_, err = s.db.ExecContext(ctx, `UPDATE recommendations SET first_month = min(first_month, ?),
			last_month = max(last_month, ?) WHERE vm = ? AND kind = ?`, month, month, f.VM, f.Recommendation)
	}
	if err != nil {
		return fmt.Errorf("refresh recommendation %s %s: %w", f.VM, f.Recommendation, err)
	}
	return nil
}

func reasonOf(f report.Finding) string {
	if f.Price.Note != "" {
		return f.Reason + "（" + f.Price.Note + "）"
	}
	return f.Reason
}

// prove closes the open recommendations found by month whose VM the data
// shows shut down or resized at time at.
func (s *Store) prove(ctx context.Context, month string, at time.Time) (int, error) {
	open, err := s.query(ctx, `SELECT `+columns+` FROM recommendations
		WHERE state IN ('pending', 'notified') AND first_month <= ? ORDER BY id`, month)
	if err != nil || len(open) == 0 || s.ev == nil {
		return 0, err
	}
	vms := make([]string, 0, len(open))
	for _, r := range open {
		vms = append(vms, r.VM)
	}
	obs, err := s.ev.Observe(ctx, vms, at)
	if err != nil {
		return 0, fmt.Errorf("observe VMs for recommendations: %w", err)
	}
	n := 0
	// Keepers last: a consolidation is done on its keeper once the others are.
	for _, keepers := range []bool{false, true} {
		for _, r := range open {
			if keepers != (r.Kind == KindConsolidate && r.Keeper == "") {
				continue
			}
			proof, ok, err := s.proved(ctx, r, obs[r.VM])
			if err != nil {
				return n, err
			}
			if !ok {
				continue
			}
			if _, err := s.db.ExecContext(ctx, `UPDATE recommendations SET state = 'done', done_month = ?, proof = ?,
				changed_by = '', changed_at = ? WHERE id = ? AND state IN ('pending', 'notified')`,
				month, proof, s.now().UnixMilli(), r.ID); err != nil {
				return n, fmt.Errorf("close recommendation %d: %w", r.ID, err)
			}
			n++
		}
	}
	return n, nil
}

// proved says whether the observation proves r done, and how.
func (s *Store) proved(ctx context.Context, r Recommendation, o Observation) (string, bool, error) {
	if o.Off {
		return "监测数据显示云服务器已关机（" + o.OffBy + "）", true, nil
	}
	switch {
	case r.Kind == KindDownsize:
		return resized(r, o, false)
	case r.Kind == KindConsolidate && r.Keeper == "":
		// The keeper is done once its group has been (there is a group and
		// none of it is still open), and it has the size it should.
		var members, open int
		err := s.db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE state != 'done')
			FROM recommendations WHERE kind = 'consolidate' AND keeper = ?`, r.VM).Scan(&members, &open)
		if err != nil || members == 0 || open > 0 {
			return "", false, err
		}
		if r.Target == r.Spec && r.Spec != "" {
			return "同组其余云服务器均已关停，本机规格不变", true, nil
		}
		p, ok, err := resized(r, o, true)
		return "同组其余云服务器均已关停；" + p, ok, err
	}
	return "", false, nil // shut_down, or a consolidation's member: only Off proves it
}

// resized: the VM's spec now is the target or smaller (exactly the target
// for a consolidation's keeper, which may grow), and not the spec it had.
func resized(r Recommendation, o Observation, exact bool) (string, bool, error) {
	tc, tm, err := pricelist.ParseSpec(r.Target)
	if err != nil {
		return "", false, nil // no target: nothing the data could match
	}
	if c, m, err := pricelist.ParseSpec(o.Spec); err == nil && o.Spec != r.Spec {
		if (exact && c == tc && m == tm) || (!exact && c <= tc && m <= tm) {
			return "规格标签由 " + r.Spec + " 变为 " + o.Spec, true, nil
		}
	}
	if oc, _, err := pricelist.ParseSpec(r.Spec); err == nil && o.VCPU > 0 && o.VCPU != oc && (exact || o.VCPU < oc) {
		fits := o.VCPU <= tc && (o.MemGB == 0 || o.MemGB <= tm)
		if exact {
			fits = o.VCPU == tc && (o.MemGB == 0 || o.MemGB == tm)
		}
		if fits {
			return fmt.Sprintf("虚拟化平台显示 vCPU 由 %d 变为 %d", oc, o.VCPU), true, nil
		}
	}
	return "", false, nil
}
