package jobs

import (
	"fmt"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
)

// The event label values (docs/cloud.md, "Scheduled jobs").
const (
	EventFailed    = "failed"
	EventTooLong   = "too_long"
	EventMissed    = "missed"
	EventSucceeded = "succeeded"

	// SourceLabel is the events' source label.
	SourceLabel = "job"

	stateOK = "ok"
)

var kindWords = map[string]string{KindBackup: "备份作业", KindExchange: "数据交换作业", KindJob: "定时作业"}

// labels are an event's labels: source, job, system, event, requirement,
// job_kind and severity.
func (j *job) labels(event string) map[string]string {
	sev := "major"
	switch event {
	case EventSucceeded:
		sev = "info"
	case EventTooLong:
		sev = "warning"
	}
	return map[string]string{"source": SourceLabel, "job": j.cfg.Name, "system": j.cfg.System, "event": event,
		"requirement": j.cfg.Requirement, "job_kind": j.cfg.Kind, "severity": sev}
}

// who names the job for a person: "协同办公 的备份作业 oa-db-backup".
func (j *job) who() string {
	return fmt.Sprintf("%s 的%s %s", j.cfg.System, kindWords[j.cfg.Kind], j.cfg.Name)
}

// event is the event of run r: failed, too_long or succeeded.
func (j *job) event(kind string, r Run, now time.Time) collectors.Event {
	at, text := r.FinishedAt, ""
	dur := cst.FormatDuration(r.Duration(now))
	switch kind {
	case EventFailed:
		text = fmt.Sprintf("作业失败：%s 于 %s 开始的运行失败，用时 %s", j.who(), cst.FormatTime(r.StartedAt), dur)
	case EventTooLong:
		if r.FinishedAt.IsZero() {
			at = r.StartedAt.Add(j.cfg.MaxDuration)
			text = fmt.Sprintf("作业超时：%s 于 %s 开始，已运行 %s 仍未结束，超过最长时长 %s", j.who(),
				cst.FormatTime(r.StartedAt), dur, cst.FormatDuration(j.cfg.MaxDuration))
		} else {
			text = fmt.Sprintf("作业超时：%s 于 %s 开始，运行 %s（%s），超过最长时长 %s", j.who(),
				cst.FormatTime(r.StartedAt), dur, statusWord(r.Status), cst.FormatDuration(j.cfg.MaxDuration))
		}
	case EventSucceeded:
		text = fmt.Sprintf("作业成功：%s 于 %s 开始，用时 %s", j.who(), cst.FormatTime(r.StartedAt), dur)
		if r.Bytes > 0 {
			text += "，数据量 " + formatBytes(r.Bytes)
		}
	}
	if r.Message != "" {
		text += "。" + r.Message
	}
	if at.IsZero() || at.After(now) {
		at = now
	}
	return collectors.Event{Time: at, Labels: j.labels(kind), Text: text}
}

// missedEvent is the event of a slot that passed without a run.
func (j *job) missedEvent(slot, now time.Time) collectors.Event {
	deadline := slot.Add(j.deadline())
	text := fmt.Sprintf("作业未按时执行：%s 应于 %s 开始，至 %s 仍无运行记录（宽限 %s）", j.who(),
		cst.FormatTime(slot), cst.FormatTime(deadline), cst.FormatDuration(j.cfg.Grace))
	if !j.announces() {
		text += "；该作业只在结束时上报，故在最长时长 " + cst.FormatDuration(j.cfg.MaxDuration) + " 后判定"
	}
	at := deadline
	if at.After(now) {
		at = now
	}
	return collectors.Event{Time: at, Labels: j.labels(EventMissed), Text: text}
}

func statusWord(status string) string {
	switch status {
	case StatusSuccess:
		return "成功"
	case StatusFailed:
		return "失败"
	}
	return "运行中"
}

// formatBytes renders a size as people read it: "76.0 GiB".
func formatBytes(b int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	v, i := float64(b), 0
	for v >= 1024 && i < len(units)-1 {
		v, i = v/1024, i+1
	}
	if i == 0 {
		return fmt.Sprintf("%d B", b)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") + " " + units[i]
}
