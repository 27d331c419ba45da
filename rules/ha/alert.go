package ha

import (
	"fmt"
	"strings"

	"github.com/prometheus/common/model"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// AlertName is the alert of a host failure.
const AlertName = "HostFailure"

// maxListed bounds the VMs named per outcome in an annotation: an operator
// reads the first ones, the record and the report keep all.
const maxListed = 20

// alertOf is the failure's alert: firing while open, resolved at ClosedAt.
// Its labels are fixed at the failure's start, so every re-fire has the
// same fingerprint and the incident store refreshes its annotations.
// `device` names the host as the topology inhibitor reads a node: the
// inventory gives each VM its host as parent, so the VMs' own alerts
// (AgentOffline …) are held back under this one (因上级故障抑制).
func alertOf(f *Failure) alerting.Alert {
	labels := map[string]string{model.AlertNameLabel: AlertName, "instance": f.Instance, "host": f.Host,
		"device": f.Host, "kind": "hypervisor", "severity": string(alerting.Critical), "requirement": "R-A9"}
	if f.Cluster != "" {
		labels["cluster"] = f.Cluster
	}
	return alerting.Alert{
		Fingerprint: fmt.Sprintf("%016x", model.LabelsToSignature(labels)),
		Labels:      labels,
		Annotations: map[string]string{"summary": summary(f), "description": description(f)},
		Firing:      f.Open(),
		StartsAt:    f.FailedAt,
		EndsAt:      f.ClosedAt,
	}
}

// headline: "宿主机 esx-07 故障（集群 政务云A）".
func headline(f *Failure) string {
	what := "故障"
	if f.Kind == evHostIsolated {
		what = "网络隔离"
	}
	s := "宿主机 " + f.Host + " " + what
	if f.Cluster != "" {
		s += "（集群 " + f.Cluster + "）"
	}
	return s
}

// summary: the headline and the counts.
func summary(f *Failure) string {
	n := f.tally()
	parts := []string{fmt.Sprintf("受影响云服务器 %d 台", len(f.VMs))}
	for _, o := range outcomeOrder {
		if n[o] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d 台", groupText(o), n[o]))
		}
	}
	return headline(f) + "：" + strings.Join(parts, "，")
}

// outcomeOrder is the order of the description's groups: HA's work first,
// then what still needs a person.
var outcomeOrder = []Outcome{Restarted, Migrated, InPlace, Manual, Pending, FailoverFailed, NotRecovered}

// groupText names a group; the two ways of not coming back are one group
// for a reader ("未恢复"), told apart per VM.
func groupText(o Outcome) string {
	switch o {
	case FailoverFailed, NotRecovered:
		return "未恢复"
	}
	return o.Text()
}

// description lists every VM by outcome, e.g. "…，HA已重启 20 台（web-01 →
// esx-03，停机 1分12秒；…），未恢复 1 台：db-09（HA重启失败）。", then the
// host's own state.
func description(f *Failure) string {
	var sb strings.Builder
	sb.WriteString(headline(f))
	fmt.Fprintf(&sb, "：受影响云服务器 %d 台", len(f.VMs))
	groups := map[string][]string{}
	var order []string
	for _, o := range outcomeOrder {
		for i := range f.VMs {
			if v := &f.VMs[i]; v.Outcome == o {
				g := groupText(o)
				if groups[g] == nil {
					order = append(order, g)
				}
				groups[g] = append(groups[g], vmText(v))
			}
		}
	}
	for _, g := range order {
		writeGroup(&sb, g, groups[g])
	}
	fmt.Fprintf(&sb, "。故障时间 %s（%s）", cst.FormatTime(f.FailedAt), f.Instance)
	switch {
	case !f.ClosedAt.IsZero():
		fmt.Fprintf(&sb, "；%s 全部恢复", cst.FormatTime(f.ClosedAt))
	case !f.RecoveredAt.IsZero():
		fmt.Fprintf(&sb, "；宿主机 %s 已恢复", cst.FormatTime(f.RecoveredAt))
	default:
		sb.WriteString("；宿主机尚未恢复")
	}
	sb.WriteString("。")
	return sb.String()
}

// writeGroup: "，HA已重启 2 台（a → x，停机 1分；b → y，停机 2分）"; the
// not-recovered group names its VMs after a colon, as an operator scans for it.
func writeGroup(sb *strings.Builder, name string, items []string) {
	fmt.Fprintf(sb, "，%s %d 台", name, len(items))
	more := len(items) - maxListed
	items = items[:min(len(items), maxListed)]
	list := strings.Join(items, "；")
	if more > 0 {
		list += fmt.Sprintf("；…等 %d 台", more)
	}
	if name == "未恢复" || name == "等待恢复" {
		sb.WriteString("：" + list)
		return
	}
	sb.WriteString("（" + list + "）")
}

// vmText is one VM in its group.
func vmText(v *VM) string {
	switch {
	case v.Outcome.Back() && v.ToHost == "":
		return fmt.Sprintf("%s，停机 %s", v.Name, cst.FormatDuration(v.Downtime))
	case v.Outcome.Back():
		return fmt.Sprintf("%s → %s，停机 %s", v.Name, v.ToHost, cst.FormatDuration(v.Downtime))
	case v.Outcome == FailoverFailed || v.Outcome == NotRecovered:
		return v.Name + "（" + v.Outcome.Text() + "）"
	}
	return v.Name
}
