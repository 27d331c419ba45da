package alerting

// BuiltinInhibitRules keep one fault from paging twice: the linkDown trap
// (InterfaceDown, at once) and the polled confirmation two minutes later
// (WanLinkDown) are the same broken link; and a port that flaps
// (InterfaceFlapping, 链路频繁震荡) pages once for the flapping, not once
// more for every down that outlasts a notifier tick; a camera that is
// offline (CameraOffline) records nothing, so its recorder channel's gap
// (RecordingGap, which names the camera) is the same fault; the HA proof's
// HostFailure, which lists the host's VMs, is the platform's host down.
func BuiltinInhibitRules() []InhibitRule {
	rule := func(src, dst string, equal ...string) InhibitRule {
		s, _ := ParseMatchers(src) // constants, valid (TestBuiltinInhibitRules)
		d, _ := ParseMatchers(dst)
		return InhibitRule{Source: s, Target: d, Equal: equal}
	}
	return []InhibitRule{
		rule(`{alertname="InterfaceDown"}`, `{alertname="WanLinkDown"}`, "link"),
		rule(`{alertname="InterfaceFlapping"}`, `{alertname="InterfaceDown"}`, "instance", "ifname"),
		rule(`{alertname="CameraOffline"}`, `{alertname="RecordingGap"}`, "camera"),
		rule(`{alertname="HostFailure"}`, `{alertname="HypervisorHostDown"}`, "host"),
	}
}
