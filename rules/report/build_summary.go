package report

import (
	"cmp"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/sla"
)

func (b *builder) report() (*Report, error) {
	inc, err := b.incidents()
	if err != nil {
		return nil, err
	}
	info := b.in.Info
	r := &Report{Month: b.month, Addressee: b.in.Addressee, Issuer: b.in.Issuer, GeneratedAt: b.in.GeneratedAt,
		FrozenAt: info.FrozenAt, InputSHA256: info.InputSHA256, Corrections: slices.Clone(info.Corrections),
		Ignored: b.ignored}
	r.Agents = b.agents()
	r.Links = b.links()
	r.Incidents = inc.section
	r.Resources = b.resources()
	r.Scenic = b.scenic()
	r.Cloud = b.cloud()
	r.Security = b.security()
	r.Gaps = b.gaps()
	r.Summary = append(append(b.sliLines(), inc.lines(b.targets())...), r.Scenic.line())
	r.Methods = b.methods()
	return r, nil
}

func (b *builder) targets() ResponseTargets {
	t, d := b.in.Targets, DefaultResponseTargets()
	if t.MTTA <= 0 {
		t.MTTA = d.MTTA
	}
	if t.MTTR <= 0 {
		t.MTTR = d.MTTR
	}
	return t
}

// sliLines is one summary line per configured SLI: the month's tally summed
// over its entities, judged on the exact ratio.
func (b *builder) sliLines() []SummaryLine {
	var out []SummaryLine
	for _, s := range b.in.SLIs {
		t := b.totals[s.Name]
		out = append(out, SummaryLine{Requirement: s.Requirement, Title: s.Title, Op: ">=",
			Target: Value{V: s.Target, Kind: Ratio, Known: true}, Figure: ratioOf(t), Verdict: tallyVerdict(t, s.Target)})
	}
	return out
}

func tallyVerdict(t sla.Tally, target float64) Verdict {
	met, ok := sla.Met(t, target)
	return verdict(met, ok)
}

func verdict(met, ok bool) Verdict {
	switch {
	case !ok:
		return Undetermined
	case met:
		return Met
	}
	return Missed
}

// ratioOf is the tally's ratio already truncated to four decimals of a
// percentage, computed exactly from the whole seconds (sla.TallyPercent4),
// so no binary rounding of good ÷ (good + bad) can move a shown digit.
func ratioOf(t sla.Tally) Value {
	pct, ok := sla.TallyPercent4(t)
	if !ok {
		return Value{Kind: Ratio}
	}
	return Value{V: pctRatio(pct), Kind: Ratio, Known: true}
}

// meanDur is an exact mean of durations: the sum is kept in nanoseconds
// without overflow, so "mean ≤ target" is decided exactly.
type meanDur struct {
	sum big.Int
	n   int64
}

func (m *meanDur) add(d time.Duration) {
	m.sum.Add(&m.sum, big.NewInt(int64(d)))
	m.n++
}

func (m *meanDur) value() Value {
	if m.n == 0 {
		return Value{Kind: Seconds}
	}
	f, _ := new(big.Rat).SetFrac(&m.sum, big.NewInt(m.n*int64(time.Second))).Float64()
	return Value{V: f, Kind: Seconds, Known: true}
}

// within reports mean ≤ target exactly; ok is false without data.
func (m *meanDur) within(target time.Duration) Verdict {
	if m.n == 0 {
		return Undetermined
	}
	limit := new(big.Int).Mul(big.NewInt(int64(target)), big.NewInt(m.n))
	return verdict(m.sum.Cmp(limit) <= 0, true)
}

// Labels missing on an entity are shown as these.
const (
	noDistrict = "未标注区县"
	noSystem   = "未标注系统"
	noLevel    = "未标注级别"
)

func label(labels map[string]string, name, missing string) string {
	if v := labels[name]; v != "" {
		return v
	}
	return missing
}

// levelWord is the glossary's word for a link level stored in English.
func levelWord(l string) string {
	for _, x := range inventory.Levels {
		if x.Name == l {
			return x.Chinese
		}
	}
	return l
}

// rank orders group names: the known ones in the bureau's order, the others
// after them by name, the "未标注" group last.
func rank(known []string) func(a, b string) int {
	pos := func(s string) int {
		if i := slices.Index(known, s); i >= 0 {
			return i
		}
		if strings.HasPrefix(s, "未标注") {
			return len(known) + 1
		}
		return len(known)
	}
	return func(a, b string) int { return cmp.Or(cmp.Compare(pos(a), pos(b)), cmp.Compare(a, b)) }
}

func districtOrder() []string {
	out := make([]string, len(inventory.Districts))
	for i, d := range inventory.Districts {
		out[i] = d.Name
	}
	return out
}

func levelOrder() []string {
	out := make([]string, len(inventory.Levels))
	for i, l := range inventory.Levels {
		out[i] = l.Chinese
	}
	return out
}
