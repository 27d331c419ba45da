package channels

import "testing"

func TestIsPhone(t *testing.T) {
	for m, want := range map[string]bool{
		"13800138000": true, "+8613800138000": true, "12345": true,
		"1234": false, "@all": false, "zhangsan": false, "138-0013-8000": false,
		"123456789012345678901": false, "+": false, "": false,
	} {
		if got := IsPhone(m); got != want {
			t.Errorf("IsPhone(%q) = %v, want %v", m, got, want)
		}
	}
}
