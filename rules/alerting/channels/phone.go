package channels

import "strings"

// IsPhone tells a phone number in Notification.Mentions (an optional "+" and
// 5–20 digits) from a robot user id such as a WeCom userid or "@all". The SMS
// gateway sends only to phone numbers; the robots @-mention them differently.
func IsPhone(m string) bool {
	digits := strings.TrimPrefix(m, "+")
	if len(digits) < 5 || len(digits) > 20 {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
