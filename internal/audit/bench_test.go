package audit

import (
	"bytes"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/internal/smcrypto"
)

// BenchmarkRowSum: one row's keyed MAC (HMAC-SM3) beside the unkeyed SHA-256
// hash it replaces, the anchor; run both and compare ns/op.
func BenchmarkRowSum(b *testing.B) {
	k, _ := smcrypto.NewKey(bytes.Repeat([]byte{9}, smcrypto.KeySize))
	e := Entry{User: "王芳", Role: "operator", Action: "POST /api/v1/silences", RemoteAddr: "10.0.0.1",
		Result: "200", Detail: "via=session"}
	prev := chainHash("", 0, e)
	ts := time.Now().UnixNano()
	mac := chainKey(k)
	b.Run("sha256", func(b *testing.B) {
		for b.Loop() {
			_ = chainHash(prev, ts, e)
		}
	})
	b.Run("hmac-sm3", func(b *testing.B) {
		for b.Loop() {
			_ = chainMAC(mac, prev, ts, e)
		}
	})
}
