package report

// FollowUp is how the findings' recommendations are followed (R-A2: 待处理 →
// 已通知 → 已处理 or 不采纳). rules/recommend.Month fills it after Build,
// from its own store: the month's figures stay a function of the frozen
// ledger, the follow-up is the state on the day the report is rendered. The
// zero value is "not tracked", shown as such.
type FollowUp struct {
	Tracked   bool
	States    map[string]string    // FindingKey(vm, recommendation) → 待处理 | 已通知 | 已处理 | 不采纳
	Open      int                  // 待处理 and 已通知 recommendations
	OpenYuan  int                  // their saving, 元/月 (priced ones)
	Done      []DoneRecommendation // done by the end of the month, oldest first
	DoneYuan  int                  // the monthly saving of all of them, 元/月
	SavedYuan int                  // saved from the month each was done through this month, 元
	Rejected  int                  // 不采纳
}

// DoneRecommendation is a recommendation the data proved carried out.
type DoneRecommendation struct {
	VM             string
	System         string
	Recommendation string // shut_down | downsize | consolidate
	Spec, Target   string
	Month          string // YYYY-MM it was proved done
	Yuan           int    // 元/月
	SavedYuan      int    // Yuan × months from Month through the report's month
}

// FindingKey is the key of a finding's state in FollowUp.States: one
// recommendation per VM and kind.
func FindingKey(vm, recommendation string) string { return vm + "\x00" + recommendation }

// State is the follow-up word of a finding: its state, 未跟踪 without a
// tracker, 待处理 for a finding the tracker has not seen yet.
func (u FollowUp) State(f Finding) string {
	if !u.Tracked {
		return "未跟踪"
	}
	if s := u.States[FindingKey(f.VM, f.Recommendation)]; s != "" {
		return s
	}
	return "待处理"
}
