package secops

import (
	_ "embed"
	"errors"

	"github.com/swanwatch/swanwatch/rules/eventrules"
)

// rulesYAML is the event pack of this package's events. It lives here, next
// to the events it reads, rather than in rules/eventrules/packs.
//
//go:embed eventrules.yml
var rulesYAML []byte

// EventRules returns the event rules that turn this package's events into
// alerts (VulnerabilityOverdue, QuarterlyScanMissing, NoticeResponseDueSoon,
// NoticeResponseOverdue): the app adds them to eventrules.Pack() for its
// engine.
func EventRules() ([]eventrules.Rule, error) {
	rules, errs := eventrules.Parse("swanwatch-pack:secops.yml", rulesYAML)
	return rules, errors.Join(errs...)
}
