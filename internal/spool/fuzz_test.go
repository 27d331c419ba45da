package spool

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParse feeds arbitrary bytes to the segment reader: it never panics or
// allocates past its bound, reports damage as ErrCorrupt, and what it accepts
// re-encodes to the same leading bytes.
func FuzzParse(f *testing.F) {
	one := appendRecord([]byte(magic), Record{Count: 3, Data: bytes.Repeat([]byte{'x'}, 20)})
	f.Add(one)
	f.Add(appendRecord(bytes.Clone(one), Record{Count: 1, Data: []byte("y")}))
	f.Add(one[:len(one)-3])
	f.Add([]byte(magic))
	f.Add([]byte("nope"))
	f.Add(append([]byte(magic), 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := parse(b, 1<<20)
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt)
		}
		out := []byte(magic)
		for _, r := range recs {
			require.NotEmpty(t, r.Data)
			out = appendRecord(out, r)
		}
		if err == nil || len(recs) > 0 {
			require.True(t, bytes.HasPrefix(b, out))
		}
		if err == nil {
			require.Len(t, b, len(out))
		}
	})
}
