package collectors

import "time"

// State of a target as the Runner last saw it.
type State string

// Target states shown in the target list (the web page translates them).
const (
	StateUnknown State = "unknown" // no round finished yet
	StateUp      State = "up"
	StateDown    State = "down"
)

// TargetStatus is what the target list API and page show for one target.
type TargetStatus struct {
	Target       Target        `json:"target"`
	State        State         `json:"state"`
	Since        time.Time     `json:"since"`         // when State last changed
	LastRound    time.Time     `json:"last_round"`    // start of the last finished round
	LastDuration time.Duration `json:"last_duration"` // of the last finished round
	LastError    string        `json:"last_error,omitempty"`
	Samples      int           `json:"samples"` // emitted by the last round
}
