package alerting_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// The built-in rules parse (their matchers are constants), and a flapping
// port holds back its own InterfaceDown, not another port's.
func TestBuiltinInhibitRules(t *testing.T) {
	rules := alerting.BuiltinInhibitRules()
	for _, r := range rules {
		require.NoError(t, r.Validate())
	}
	alert := func(fp, name, ifname string) alerting.Alert {
		return alerting.Alert{Fingerprint: fp, Firing: true,
			Labels: map[string]string{"alertname": name, "instance": "lb-agg-01", "ifname": ifname}}
	}
	marked := alerting.Inhibit([]alerting.Alert{
		alert("1", "InterfaceFlapping", "GE0/0/1"),
		alert("2", "InterfaceDown", "GE0/0/1"),
		alert("3", "InterfaceDown", "GE0/0/2"),
	}, nil, rules)
	held := map[string]bool{}
	for _, m := range marked {
		held[m.Alert.Fingerprint] = m.Suppressed
	}
	assert.Equal(t, map[string]bool{"1": false, "2": true, "3": false}, held)
}

// An offline camera's recording gap is the same fault; another camera's
// gap on the same recorder is not.
func TestBuiltinInhibitRulesHoldTheOfflineCamerasGap(t *testing.T) {
	alert := func(fp, name, camera string) alerting.Alert {
		return alerting.Alert{Fingerprint: fp, Firing: true,
			Labels: map[string]string{"alertname": name, "camera": camera, "instance": "nvr-visitor-1"}}
	}
	marked := alerting.Inhibit([]alerting.Alert{
		alert("1", "CameraOffline", "cam-island-01"),
		alert("2", "RecordingGap", "cam-island-01"),
		alert("3", "RecordingGap", "cam-island-02"),
	}, nil, alerting.BuiltinInhibitRules())
	held := map[string]bool{}
	for _, m := range marked {
		held[m.Alert.Fingerprint] = m.Suppressed
	}
	assert.Equal(t, map[string]bool{"1": false, "2": true, "3": false}, held)
}
