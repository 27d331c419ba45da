package audit

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
)

// FuzzParseFilter: any query string yields a clear error or a filter that is a
// non-empty window with a bounded limit.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "from=2026-11-01T00:00:00%2B08:00&to=1764000000&user=王芳&limit=10",
		"from=1e300", "from=NaN", "to=-9e9", "limit=0", "from=1.5&to=1.6"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		flt, err := parseFilter(q.Get, now)
		if err != nil {
			assert.NotEmpty(t, err.Error())
			return
		}
		assert.True(t, flt.From.Before(flt.To))
		assert.True(t, flt.From.Equal(time.Unix(0, flt.From.UnixNano())), "fits the unix-nano column")
		assert.True(t, flt.To.Equal(time.Unix(0, flt.To.UnixNano())))
		assert.GreaterOrEqual(t, flt.Limit, 1)
		assert.LessOrEqual(t, flt.Limit, maxLimit)
	})
}

// FuzzParsePruneObject: a prune record's object reads back what was written,
// and any other text is refused or read without a panic.
func FuzzParsePruneObject(f *testing.F) {
	f.Add("first_kept:12 prev:abcd key:0011", int64(12), "abcd")
	f.Add("first_kept:x prev:", int64(-1), "")
	f.Add("prev:a first_kept:9223372036854775807", int64(0), "a b")
	f.Fuzz(func(t *testing.T, raw string, id int64, prev string) {
		_, _, _ = parsePruneObject(raw)
		if strings.ContainsFunc(prev, unicode.IsSpace) || prev == "" {
			return // a MAC is hex: never white space, never empty
		}
		gotID, gotPrev, ok := parsePruneObject(pruneObject(id, prev, "k"))
		assert.True(t, ok)
		assert.Equal(t, id, gotID)
		assert.Equal(t, prev, gotPrev)
	})
}
