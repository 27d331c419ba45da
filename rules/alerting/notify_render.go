package alerting

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// maxListed bounds the alerts a group message lists one by one; a robot
// message or an SMS must stay readable on a phone.
const maxListed = 10

// render writes the Chinese message of a group notice: the title says the
// worst severity, the district and what is wrong; the text lists each alert
// with its site, object and since when (Asia/Shanghai), and how many
// alerts below it are held back by the fault.
func (n *Notifier) render(alerts []Alert, children map[int64]int, now time.Time) Notification {
	nt := Notification{Severity: worst(alerts), Alerts: alerts, CreatedAt: now, Resolved: true}
	for _, a := range alerts {
		nt.Resolved = nt.Resolved && !a.Firing
	}
	if len(alerts) == 1 {
		nt.IncidentID = alerts[0].IncidentID
		nt.Title = title(alerts[0], nt.Severity, nt.Resolved, "")
		nt.Text = detail(alerts[0], children[nt.IncidentID], now)
	} else {
		nt.Title = title(alerts[0], nt.Severity, nt.Resolved, fmt.Sprintf("%d条告警", len(alerts)))
		nt.Text = listing(alerts, children, now)
	}
	nt.URL = n.incidentURL(nt.IncidentID)
	if id := firstFiring(alerts); id != 0 && n.opts.AckLinks != nil {
		nt.AckURL = n.opts.AckLinks.URL(n.opts.ExternalURL, id)
	}
	return nt
}

func (n *Notifier) incidentURL(id int64) string {
	base := strings.TrimSuffix(n.opts.ExternalURL, "/") + "/incidents"
	if id == 0 {
		return base
	}
	return base + "?id=" + strconv.FormatInt(id, 10)
}

// title is e.g. "【紧急】卢氏县 链路中断:lsx-t001-uplink" or
// "【已恢复】卢氏县 3条告警"; many is set for a group of several alerts.
func title(a Alert, sev Severity, resolved bool, many string) string {
	tag := "【" + sev.Name() + "】"
	if resolved {
		tag = "【已恢复】"
	}
	what := summary(a)
	if many != "" {
		what = many + "：" + what + "等"
	}
	return strings.TrimSpace(tag + a.Labels["district"] + " " + what)
}

func summary(a Alert) string {
	if s := a.Annotations["summary"]; s != "" {
		return s
	}
	return a.Labels["alertname"]
}

// object is what the alert is about: a link, a device or an instance.
func object(a Alert) string {
	for _, l := range []string{"link", "device", "instance"} {
		if v := a.Labels[l]; v != "" {
			return v
		}
	}
	return "—"
}

func detail(a Alert, held int, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "告警：%s\n", summary(a))
	fmt.Fprintf(&b, "区县：%s　站点：%s\n", orDash(a.Labels["district"]), orDash(a.Labels["site"]))
	fmt.Fprintf(&b, "对象：%s\n", object(a))
	if a.Firing {
		fmt.Fprintf(&b, "开始：%s（已持续%s）\n", cst.FormatTime(a.StartsAt), cst.FormatDuration(now.Sub(a.StartsAt)))
	} else {
		fmt.Fprintf(&b, "开始：%s\n恢复：%s（历时%s）\n", cst.FormatTime(a.StartsAt), cst.FormatTime(a.EndsAt),
			cst.FormatDuration(a.EndsAt.Sub(a.StartsAt)))
	}
	fmt.Fprintf(&b, "事件编号：#%d", a.IncidentID)
	if held > 0 {
		fmt.Fprintf(&b, "\n另有%d条下级告警因上级故障抑制，已关联到本事件", held)
	}
	// The description is last: an SMS cut at its length loses only detail.
	if d := a.Annotations["description"]; d != "" {
		fmt.Fprintf(&b, "\n详情：%s", d)
	}
	return b.String()
}

func listing(alerts []Alert, children map[int64]int, now time.Time) string {
	var b strings.Builder
	for i, a := range alerts {
		if i == maxListed {
			fmt.Fprintf(&b, "……另有%d条", len(alerts)-maxListed)
			break
		}
		state := "起，已持续" + cst.FormatDuration(now.Sub(a.StartsAt))
		if !a.Firing {
			state = "起，已恢复"
		}
		fmt.Fprintf(&b, "%d. [%s] %s｜%s｜%s%s #%d", i+1, Severity(a.Labels["severity"]).Name(), summary(a),
			orDash(a.Labels["site"]), cst.FormatTime(a.StartsAt), state, a.IncidentID)
		if held := children[a.IncidentID]; held > 0 {
			fmt.Fprintf(&b, "（另抑制%d条下级告警）", held)
		}
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// worst is the highest severity among the alerts (firing ones first).
func worst(alerts []Alert) Severity {
	var w Severity
	for _, a := range alerts {
		s := Severity(a.Labels["severity"])
		if w == "" || s.Rank() > w.Rank() {
			w = s
		}
	}
	return w
}

func firstFiring(alerts []Alert) int64 {
	for _, a := range alerts {
		if a.Firing {
			return a.IncidentID
		}
	}
	return 0
}
