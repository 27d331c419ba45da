package auth

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// FuzzTOTPCode feeds any text as a typed code: never a panic, and only the
// code of the current step (or one step aside) matches.
func FuzzTOTPCode(f *testing.F) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	at := time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
	for _, s := range []string{"123456", "", "12345", "1234567", "abcdef", "12 34 56", "٠١٢٣٤٥", "\x00\x00\x00\x00\x00\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		step, ok := matchStep(secret, code, at)
		if !ok {
			return
		}
		if d := step - at.Unix()/totpPeriod; d < -totpSkew || d > totpSkew {
			t.Fatalf("code %q matched step %d, outside the skew", code, d)
		}
		if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("code %q is not six digits yet matched", code)
		}
	})
}

// FuzzStoredSecret reads any stored TOTP column: an error or a secret, never
// a panic, and without a Sealer only the plain scheme opens.
func FuzzStoredSecret(f *testing.F) {
	for _, s := range []string{"plain:JBSWY3DPEHPK3PXP", "sm4:AAAA", "", ":", "plain:", "nocolon"} {
		f.Add(s)
	}
	s := &Service{}
	f.Fuzz(func(t *testing.T, stored string) {
		v, err := s.open(stored)
		if err == nil && !strings.HasPrefix(stored, plainScheme+":") {
			t.Fatalf("%q opened without a sealer: %q", stored, v)
		}
	})
}

// FuzzPolicyJSON decodes any body the policy API may receive: a valid policy
// is within every floor, anything else is refused with a message.
func FuzzPolicyJSON(f *testing.F) {
	good, _ := json.Marshal(DefaultPolicy)
	f.Add(string(good))
	f.Add(`{"min_length":6}`)
	f.Add(`{"max_age_days":-1,"history":1e9}`)
	f.Fuzz(func(t *testing.T, body string) {
		var p Policy
		if json.Unmarshal([]byte(body), &p) != nil {
			return
		}
		err := p.Validate()
		if err == nil && (p.MinLength < minPasswordLen || p.AdminClasses < 3 || p.History < 5 ||
			p.MaxAgeDays > 90 || p.AdminIdleMinutes > 15 || p.LockoutThreshold > 10) {
			t.Fatalf("policy below the floor accepted: %+v", p)
		}
		var pe *PolicyError
		if err != nil && !asPolicy(err, &pe) {
			t.Fatalf("refusal without a message: %v", err)
		}
	})
}

func asPolicy(err error, pe **PolicyError) bool {
	p, ok := err.(*PolicyError)
	*pe = p
	return ok && p.Message != ""
}
