package logstore

import (
	"bytes"
	"context"
	"testing"
)

// FuzzReadRecords feeds arbitrary bytes to the on-disk readers: day events, the
// stream index and the spooled event payload (the spool's own framing is fuzzed
// in internal/spool). None may panic or loop; each stops at the first bad record.
func FuzzReadRecords(f *testing.F) {
	good := appendRecord(nil, encodeEvent(nil, 1764223509000000000, 0, "插件离线"))
	good = appendRecord(good, encodeStream(nil, 0, []labelPair{{"kind", "agent"}}))
	good = appendRecord(good, encodeFull(nil, 1, []labelPair{{"a", "b"}}, "x"))
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		sc := &scanner{ctx: context.Background(), left: -1}
		err := sc.read(bytes.NewReader(b), 0, func(position, uint32, []byte) { n++ })
		if err != nil || n > len(b)/recHeader {
			t.Fatalf("read: %d events from %d bytes, err %v", n, len(b), err)
		}
		rr := newRecordReader(bytes.NewReader(b))
		for {
			p, err := rr.Next()
			if err != nil {
				break
			}
			_, _, _ = decodeStream(p)
			_, _, _, _ = decodeFull(p)
		}
		if rr.Off > int64(len(b)) {
			t.Fatalf("offset %d past %d bytes", rr.Off, len(b))
		}
	})
}
