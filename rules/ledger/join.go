package ledger

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/pricelist"
)

// Kind of a finding.
type Kind string

// The kinds, in the order findings are listed; Word is the Chinese.
const (
	Missing        Kind = "missing"         // 台账缺失
	NoVM           Kind = "no_vm"           // 有账无机
	SpecMismatch   Kind = "spec_mismatch"   // 规格不符
	ExpiredRunning Kind = "expired_running" // 已到期仍在运行
	Expiring       Kind = "expiring"        // 即将到期
)

// Kinds lists every kind in listing order.
var Kinds = []Kind{Missing, NoVM, SpecMismatch, ExpiredRunning, Expiring}

var kindWords = map[Kind]string{Missing: "台账缺失", NoVM: "有账无机", SpecMismatch: "规格不符",
	ExpiredRunning: "已到期仍在运行", Expiring: "即将到期"}

// Word is the kind as the bureau reads it.
func (k Kind) Word() string { return kindWords[k] }

// ParseKind reads a kind in English or Chinese.
func ParseKind(s string) (Kind, bool) {
	for k, w := range kindWords {
		if s == string(k) || s == w {
			return k, true
		}
	}
	return "", false
}

// Finding is one difference between the ledger and what runs.
type Finding struct {
	Kind       Kind   `json:"kind"`
	KindWord   string `json:"kind_word"`
	VM         string `json:"vm"`
	System     string `json:"system"` // the ledger's; for 台账缺失 the inventory's, else the platform's tag
	Dept       string `json:"dept"`
	State      State  `json:"state"` // running | stopped | unknown
	StateWord  string `json:"state_word"`
	LedgerSpec string `json:"ledger_spec,omitempty"` // 8C16G
	ActualSpec string `json:"actual_spec,omitempty"` // what the VM has, 4C8G
	TermStart  string `json:"term_start,omitempty"`
	TermEnd    string `json:"term_end,omitempty"`
	DaysLeft   *int   `json:"days_left,omitempty"` // expiring: days from today (CST) to the end day; expired: negative
	Where      string `json:"where,omitempty"`     // the ledger row: "台账.xlsx 第12行"
	Detail     string `json:"detail"`              // the facts in one Chinese sentence
}

// DefaultExpiringDays is how far ahead a term's end is flagged.
const DefaultExpiringDays = 30

// Join compares the ledger's entries with the inventory's agent targets and
// the platform's VMs at `at`, and lists the findings by kind, system and VM.
// A VM exists when a hypervisor reports it or the inventory has its agent;
// it runs when its power state (else its agent) says so.
func Join(entries []Entry, targets []inventory.Target, vms map[string]VM, at time.Time, expiringDays int) []Finding {
	agents := map[string]inventory.Target{}
	for _, t := range targets {
		if t.Kind == "agent" {
			agents[t.Name] = t
		}
	}
	j := joiner{agents: agents, vms: vms, today: day(at), within: expiringDays}
	inLedger := map[string]bool{}
	for _, e := range entries {
		inLedger[e.VM] = true
		j.entry(e)
	}
	for _, name := range j.runningNames() {
		if !inLedger[name] {
			j.missing(name)
		}
	}
	slices.SortStableFunc(j.out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)),
			cmp.Compare(a.System, b.System), cmp.Compare(a.VM, b.VM))
	})
	return j.out
}

type joiner struct {
	agents map[string]inventory.Target
	vms    map[string]VM
	today  time.Time
	within int
	out    []Finding
}

// day is the CST day containing t.
func day(t time.Time) time.Time {
	t = t.In(cst.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst.Location)
}

func (j *joiner) add(k Kind, f Finding, format string, args ...any) {
	f.Kind, f.KindWord, f.StateWord = k, k.Word(), f.State.Word()
	f.Detail = fmt.Sprintf(format, args...)
	j.out = append(j.out, f)
}

// entry checks one ledger entry against its VM.
func (j *joiner) entry(e Entry) {
	v, known := j.vms[e.VM]
	_, agent := j.agents[e.VM]
	f := Finding{VM: e.VM, System: e.System, Dept: e.Dept, State: Unknown, LedgerSpec: e.Spec,
		TermStart: e.TermStart, TermEnd: e.TermEnd, Where: e.Where}
	if known && v.State != "" {
		f.State = v.State
	}
	if !v.Known && !agent {
		j.add(NoVM, f, "台账登记了云服务器 %s（%s），但虚拟化平台和监控台账中都没有这台云服务器", e.VM, e.Where)
		return
	}
	if actual, by := j.size(e.VM); e.Spec != "" && actual != "" && actual != e.Spec {
		f.ActualSpec = actual
		j.add(SpecMismatch, f, "台账规格 %s，实际配置 %s（%s）", e.Spec, actual, by)
	}
	if e.end.IsZero() {
		return
	}
	left := int(math.Round(e.end.Sub(j.today).Hours() / 24))
	f.DaysLeft = &left
	switch {
	case left < 0 && f.State == Running:
		j.add(ExpiredRunning, f, "使用期限已于 %s 到期（已过 %d 天），仍在运行（%s）", e.TermEnd, -left, v.StateBy)
	case left >= 0 && left <= j.within:
		j.add(Expiring, f, "使用期限将于 %s 到期，剩余 %d 天", e.TermEnd, left)
	}
}

// size is the VM's configured spec, "8C16G", and where it comes from: the
// hypervisor's vCPUs and memory (rounded to whole GB), else the inventory's
// `spec` label; "" unknown.
func (j *joiner) size(name string) (spec, by string) {
	if v := j.vms[name]; v.VCPUs > 0 && v.MemBytes > 0 {
		return fmt.Sprintf("%dC%dG", v.VCPUs, int(math.Round(v.MemBytes/(1<<30)))), "虚拟化平台"
	}
	if c, m, err := pricelist.ParseSpec(j.agents[name].Labels["spec"]); err == nil {
		return fmt.Sprintf("%dC%dG", c, m), "监控台账 spec 标签"
	}
	return "", ""
}

// runningNames are the VMs that run now, sorted.
func (j *joiner) runningNames() []string {
	var out []string
	for name, v := range j.vms {
		if v.State == Running && (v.Known || j.agents[name].Name != "") {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// missing flags a running VM the ledger does not list; its system and
// department are the inventory's, else the platform's tags.
func (j *joiner) missing(name string) {
	v, t := j.vms[name], j.agents[name]
	f := Finding{VM: name, System: cmp.Or(t.System, v.System), Dept: cmp.Or(t.Dept, v.Dept), State: v.State}
	f.ActualSpec, _ = j.size(name)
	j.add(Missing, f, "云服务器 %s 正在运行（%s），资源台账中没有登记", name, v.StateBy)
}
