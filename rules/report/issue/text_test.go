package issue

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/swanwatch/swanwatch/rules/report"
)

// The message of an issued report lists every line with its verdict.
func TestSummaryTextListsEveryLine(t *testing.T) {
	r := &report.Report{Summary: []report.SummaryLine{
		{Requirement: "R-A1", Title: "监控插件在线率", Op: ">=", Target: report.Value{V: 1, Kind: report.Ratio, Known: true},
			Figure: report.Value{V: 0.99, Kind: report.Ratio, Known: true}, Verdict: report.Missed},
		{Requirement: "R-B1", Title: "链路抖动达标率", Op: ">=", Target: report.Value{V: 0.99, Kind: report.Ratio, Known: true},
			Verdict: report.Undetermined},
	}}
	text := summaryText(r)
	assert.True(t, strings.HasPrefix(text, "共 2 项指标，1 项未达标。"), text)
	assert.Contains(t, text, "R-A1 监控插件在线率：99.0000%（目标 ≥ 100.0000%）未达标")
	assert.Contains(t, text, "无法判定")
}
