package secops

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shipped pack compiles, every rule is R-A12 and kind security, and
// each alert is resolved by the event that ends it.
func TestEventRulesPack(t *testing.T) {
	rules, err := EventRules()
	require.NoError(t, err)
	resolvedBy := map[string]string{}
	for _, r := range rules {
		assert.Equal(t, "R-A12", r.Labels["requirement"], r.Alert)
		assert.Equal(t, "security", r.Labels["kind"], r.Alert)
		for _, ev := range []string{EventVulnClosed, EventScanImported, EventNoticeAnswered} {
			if r.ResolveOn.Matches(map[string]string{"source": Source, "event": ev}) {
				resolvedBy[r.Alert] = ev
			}
		}
	}
	assert.Equal(t, map[string]string{"VulnerabilityOverdue": EventVulnClosed, "QuarterlyScanMissing": EventScanImported,
		"NoticeResponseDueSoon": EventNoticeAnswered, "NoticeResponseOverdue": EventNoticeAnswered}, resolvedBy)
}
