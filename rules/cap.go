package rules

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/promql"
	promrules "github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/storage"
)

// DefaultAlertLimit is the most alerts one alerting rule may produce in one
// evaluation when its group sets no `limit`. Far above any real fault (the
// reference estate has 2,500 devices), far below what a missing `by` or a
// high-cardinality label produces.
const DefaultAlertLimit = 5000

// CappedMetric is the TSDB series written for an alerting rule refused for
// producing too many alerts: value = the alerts it produced, labels
// rule_group, rule and limit. It goes stale once the rule is back under its
// cap. The shipped alert RuleAlertsCapped fires on it.
const CappedMetric = "swanwatch_rule_capped_alerts"

var cappedTotal = metrics.NewCounter(`swanwatch_rules_alerts_capped_total`)

// The cap sits in the query function, not in the group `limit` that
// Prometheus offers, for two reasons: a group's limit also caps its recording
// rules, and per-interface recordings legitimately exceed any alert cap; and
// Prometheus checks its limit only after building, templating and holding
// every alert, the very cost the cap is there to avoid. A refused query is an
// evaluation error to Prometheus: the rule's health turns bad with our
// message as its last error, no alert of it is sent, the ones it had stay.
type capper struct {
	next promrules.QueryFunc
	app  storage.AppendableV2
	log  *slog.Logger

	mu     sync.Mutex
	rules  map[string]ruleInfo      // by ruleKey, from the loaded files
	capped map[string]labels.Labels // series written for rules over the cap
}

// ruleInfo is what the query function cannot see of a rule: its group.
type ruleInfo struct {
	group string
	limit int
}

func newCapper(next promrules.QueryFunc, app storage.AppendableV2, log *slog.Logger) *capper {
	return &capper{next: next, app: app, log: log, capped: map[string]labels.Labels{}}
}

func ruleKey(name, query string) string { return name + "\x00" + query }

// ruleInfos maps every alerting rule to its group and cap: the group's own
// limit, else def. Two rules alike in name and query share the larger cap.
func ruleInfos(l *loader, files map[string]*rulefmt.RuleGroups, def int) map[string]ruleInfo {
	out := map[string]ruleInfo{}
	for _, rgs := range files {
		for _, g := range rgs.Groups {
			limit := def
			if g.Limit > 0 {
				limit = g.Limit
			}
			for _, r := range g.Rules {
				expr, err := l.Parse(r.Expr)
				if r.Alert == "" || err != nil { // a bad expression never got this far
					continue
				}
				k := ruleKey(r.Alert, expr.String())
				out[k] = ruleInfo{group: g.Name, limit: max(limit, out[k].limit)}
			}
		}
	}
	return out
}

// setRules installs the rules of a new load. A rule that was over its cap
// and is gone has its series marked stale now, so its alert resolves at once.
func (c *capper) setRules(rules map[string]ruleInfo) {
	c.mu.Lock()
	c.rules = rules
	var gone []labels.Labels
	for key, ls := range c.capped {
		if _, ok := rules[key]; !ok {
			gone = append(gone, ls)
			delete(c.capped, key)
		}
	}
	c.mu.Unlock()
	for _, ls := range gone {
		c.write(context.Background(), ls, time.Now(), math.Float64frombits(value.StaleNaN))
	}
}

// query is the manager's QueryFunc: the engine's query, refused for an
// alerting rule's own expression when it returns more samples than the cap.
// Template queries and recording rules pass as they are.
func (c *capper) query(ctx context.Context, qs string, t time.Time) (promql.Vector, error) {
	vec, err := c.next(ctx, qs, t)
	d := promrules.FromOriginContext(ctx)
	if err != nil || d.Kind != promrules.KindAlerting || d.Query != qs {
		return vec, err
	}
	key := ruleKey(d.Name, qs)
	info := c.info(key)
	if len(vec) <= info.limit {
		c.under(ctx, key, t)
		return vec, nil
	}
	cappedTotal.Inc()
	c.over(ctx, key, d.Name, info, len(vec), t)
	return nil, fmt.Errorf("alerting rule %s produced %d alerts, more than its cap of %d: evaluation refused "+
		"(fix a missing `by` or a high-cardinality label, or raise the group's limit)", d.Name, len(vec), info.limit)
}

func (c *capper) info(key string) ruleInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	info, ok := c.rules[key]
	if !ok { // loaded outside the engine's files (tests): the default cap
		info.limit = DefaultAlertLimit
	}
	return info
}

// over records that the rule is over its cap, in the TSDB (where the alert
// rule sees it) and, on the first evaluation over it, in the log.
func (c *capper) over(ctx context.Context, key, name string, info ruleInfo, n int, t time.Time) {
	ls := labels.FromStrings(labels.MetricName, CappedMetric, "rule_group", info.group, "rule", name,
		"limit", strconv.Itoa(info.limit))
	c.mu.Lock()
	_, already := c.capped[key]
	c.capped[key] = ls
	c.mu.Unlock()
	if !already {
		c.log.Warn("alerting rule over its alert cap: evaluation refused", "rule", name,
			"rule_group", info.group, "alerts", n, "limit", info.limit)
	}
	c.write(ctx, ls, t, float64(n))
}

// under marks the series of a rule that was over its cap stale.
func (c *capper) under(ctx context.Context, key string, t time.Time) {
	c.mu.Lock()
	ls, ok := c.capped[key]
	delete(c.capped, key)
	c.mu.Unlock()
	if ok {
		c.log.Info("alerting rule back under its alert cap", "rule", ls.Get("rule"), "rule_group", ls.Get("rule_group"))
		c.write(ctx, ls, t, math.Float64frombits(value.StaleNaN))
	}
}

func (c *capper) write(ctx context.Context, ls labels.Labels, t time.Time, v float64) {
	app := c.app.AppenderV2(ctx)
	_, err := app.Append(0, ls, 0, t.UnixMilli(), v, nil, nil, storage.AOptions{})
	if err == nil {
		err = app.Commit()
	} else {
		_ = app.Rollback() // the append's error is the one to report
	}
	if err != nil {
		c.log.Warn("write the capped-rule series", "rule", ls.Get("rule"), "err", err)
	}
}
