package secops

import (
	"strings"
	"time"
)

// Severity of a finding, stored in English, shown in Chinese (Word).
type Severity string

// The severities, most urgent first.
const (
	Critical Severity = "critical" // 紧急
	High     Severity = "high"     // 高危
	Medium   Severity = "medium"   // 中危
	Low      Severity = "low"      // 低危
)

// Severities lists the severities, most urgent first (the report's order).
var Severities = []Severity{Critical, High, Medium, Low}

var severityWords = map[Severity]string{Critical: "紧急", High: "高危", Medium: "中危", Low: "低危"}

// Word is the severity as the bureau reads it.
func (s Severity) Word() string { return severityWords[s] }

// Deadline is how long a finding of this severity may stay open: 紧急 and
// 高危 7 days, 中危 30 days, 低危 90 days.
func (s Severity) Deadline() time.Duration {
	switch s {
	case Critical, High:
		return 7 * 24 * time.Hour
	case Medium:
		return 30 * 24 * time.Hour
	}
	return 90 * 24 * time.Hour
}

// ParseSeverity reads a severity in English (any case) or Chinese; 严重 is
// taken for 紧急 and 危急 too, as some scanners write them.
func ParseSeverity(s string) (Severity, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "critical", "紧急", "严重", "危急":
		return Critical, true
	case "high", "高危", "高":
		return High, true
	case "medium", "moderate", "中危", "中":
		return Medium, true
	case "low", "低危", "低":
		return Low, true
	}
	return "", false
}

// FromScore maps a CVSS score to a severity as CVSS v3 rates it (9.0 and
// up critical, 7.0 high, 4.0 medium, above 0 low); ok is false for 0 and
// below: a log line, or a false positive or error as GVM marks them.
func FromScore(score float64) (Severity, bool) {
	switch {
	case score >= 9.0:
		return Critical, true
	case score >= 7.0:
		return High, true
	case score >= 4.0:
		return Medium, true
	case score > 0:
		return Low, true
	}
	return "", false
}
