// Package recommend follows the monthly report's idle and low-use findings
// until they are done (R-A2): each finding becomes a recommendation, one per
// VM and kind (关停, 降配, 整合), kept in the state database and carried over
// month to month. Its state goes 待处理 → 已通知 → 已处理 or 不采纳:
// 已通知 and 不采纳 (with a reason) are set by an operator, 已处理 only when
// the data proves it (the VM really was shut down, or its spec became the
// target or smaller), never by hand. A done recommendation's monthly saving
// counts from the month it was proved.
package recommend

import (
	"errors"
	"fmt"
	"time"
)

// State of a recommendation.
type State string

// The states, stored in English, shown in Chinese (Word).
const (
	Pending  State = "pending"  // 待处理
	Notified State = "notified" // 已通知: the using unit was told
	Done     State = "done"     // 已处理: proved by the data
	Rejected State = "rejected" // 不采纳: with the operator's reason
)

var stateWords = map[State]string{Pending: "待处理", Notified: "已通知", Done: "已处理", Rejected: "不采纳"}

// Word is the state as the bureau reads it.
func (s State) Word() string { return stateWords[s] }

// Open is a state still waiting for the using unit.
func (s State) Open() bool { return s == Pending || s == Notified }

// ParseState reads a state in English or Chinese.
func ParseState(s string) (State, bool) {
	for st, w := range stateWords {
		if s == string(st) || s == w {
			return st, true
		}
	}
	return "", false
}

// Kinds of recommendation, as rules/report's Finding.Recommendation.
const (
	KindShutDown    = "shut_down"
	KindDownsize    = "downsize"
	KindConsolidate = "consolidate"
)

// Recommendation is one tracked recommendation.
type Recommendation struct {
	ID         int64     `json:"id"`
	VM         string    `json:"vm"`
	Kind       string    `json:"kind"`       // shut_down | downsize | consolidate
	KindWord   string    `json:"kind_word"`  // 关停 | 降配 | 整合
	System     string    `json:"system"`     // 业务系统
	Dept       string    `json:"dept"`       // 主管部门
	District   string    `json:"district"`   // 区县
	Spec       string    `json:"spec"`       // the spec when found, e.g. 8C16G
	Target     string    `json:"target"`     // downsize/consolidate: the spec to move to
	Keeper     string    `json:"keeper"`     // consolidate: the VM the others move onto
	Priced     bool      `json:"priced"`     // Yuan is from the contract's price list
	Yuan       int       `json:"yuan"`       // saving per month, 元/月
	Reason     string    `json:"reason"`     // why, as the latest finding says
	State      State     `json:"state"`      //
	StateWord  string    `json:"state_word"` // 待处理 | 已通知 | 已处理 | 不采纳
	FirstMonth string    `json:"first_month"`
	LastMonth  string    `json:"last_month"`
	DoneMonth  string    `json:"done_month,omitempty"`
	Proof      string    `json:"proof,omitempty"` // what the data showed, Chinese
	Note       string    `json:"note,omitempty"`  // the operator's reason
	ChangedBy  string    `json:"changed_by,omitempty"`
	ChangedAt  time.Time `json:"changed_at"`
}

var kindWords = map[string]string{KindShutDown: "关停", KindDownsize: "降配", KindConsolidate: "整合"}

// Errors of the store; ErrBadChange and ErrNotFound carry a Chinese message
// for the operator.
var (
	ErrNotFound  = errors.New("没有这条建议")
	ErrBadChange = errors.New("状态变更无效")
)

// badChange is an ErrBadChange with the reason in Chinese.
func badChange(format string, a ...any) error {
	return fmt.Errorf("%w：%s", ErrBadChange, fmt.Sprintf(format, a...))
}
