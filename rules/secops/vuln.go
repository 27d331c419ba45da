package secops

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// State of a finding.
type State string

// The states, stored in English, shown in Chinese (Word).
const (
	Open     State = "open"     // 未修复
	Fixed    State = "fixed"    // 已修复: absent from a later scan, never set by hand
	Accepted State = "accepted" // 已接受: the risk accepted by an operator, with a reason
)

var stateWords = map[State]string{Open: "未修复", Fixed: "已修复", Accepted: "已接受"}

// Word is the state as the bureau reads it.
func (s State) Word() string { return stateWords[s] }

// ParseState reads a state in English or Chinese.
func ParseState(s string) (State, bool) {
	s = strings.TrimSpace(s)
	for st, w := range stateWords {
		if s == string(st) || s == w {
			return st, true
		}
	}
	return "", false
}

// Vulnerability is one tracked finding.
type Vulnerability struct {
	ID           int64     `json:"id"`
	Host         string    `json:"host"`
	Ref          string    `json:"ref"` // CVE-…, oid:…, name:…
	Port         string    `json:"port"`
	Format       string    `json:"format"` // the scanner format that found it
	Name         string    `json:"name"`
	CVEs         []string  `json:"cves"`
	Severity     Severity  `json:"severity"`
	SeverityWord string    `json:"severity_word"` // 紧急 | 高危 | 中危 | 低危
	Score        float64   `json:"score,omitempty"`
	State        State     `json:"state"`
	StateWord    string    `json:"state_word"` // 未修复 | 已修复 | 已接受
	FirstSeen    time.Time `json:"first_seen"`
	LastSeen     time.Time `json:"last_seen"`
	Deadline     time.Time `json:"deadline"`
	Overdue      bool      `json:"overdue"` // open and past its deadline
	FixedAt      time.Time `json:"fixed_at,omitzero"`
	AcceptedAt   time.Time `json:"accepted_at,omitzero"`
	Reason       string    `json:"reason,omitempty"`
	ChangedBy    string    `json:"changed_by,omitempty"`
	ChangedAt    time.Time `json:"changed_at"`
	ScanID       int64     `json:"scan_id"`
}

// label is how a finding is named in a sentence: its first CVE, else its name.
func (v Vulnerability) label() string {
	if len(v.CVEs) > 0 {
		return v.CVEs[0]
	}
	return v.Name
}

// Errors the operator reads; ErrBadChange and ErrNotFound carry the reason.
var (
	ErrNotFound  = errors.New("没有这条记录")
	ErrBadChange = errors.New("状态变更无效")
	ErrBadInput  = errors.New("请求无效")
)

func badChange(format string, a ...any) error {
	return fmt.Errorf("%w：%s", ErrBadChange, fmt.Sprintf(format, a...))
}

func badInput(format string, a ...any) error {
	return fmt.Errorf("%w：%s", ErrBadInput, fmt.Sprintf(format, a...))
}

func itoa(i int) string { return strconv.Itoa(i) }

// millis is t in unix ms; the zero time is 0.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is the inverse of millis.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
