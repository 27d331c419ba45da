package agent

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

// FuzzEmitBody feeds arbitrary exposition text through parse, keep and emit: it
// never panics, and whatever it emits passes the contract checks that do not
// depend on the agent (label names, pairs, no target-label clash).
func FuzzEmitBody(f *testing.F) {
	full, err := os.ReadFile("testdata/node_exporter_full.prom")
	require.NoError(f, err)
	f.Add(full[:4096])
	f.Add([]byte(goodBody))
	f.Add([]byte("# TYPE h histogram\nh_bucket{le=\"1\",instance=\"x\"} 1\nh_sum 1\nh_count 1\n"))
	f.Add([]byte("# TYPE s summary\ns{quantile=\"0.9\",kind=\"k\"} 1\ns_sum 1\ns_count 2\n"))
	f.Add([]byte("m{district=\"a\",exported_district=\"b\"} NaN 123\n"))
	f.Add([]byte("{\"quoted.name\"} 1\n"))
	c := New(Config{Keep: []string{"*"}}.WithDefaults(), nil)
	tgt := collectors.Target{Kind: Kind, Name: "vm", Labels: map[string]string{"district": "湖滨区"}}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := collectortest.NewRecorder(tgt)
		err := c.emitBody(body, tgt, rec.Emit)
		if err != nil {
			require.Empty(t, rec.Series(), "a failed parse emits nothing")
			return
		}
		for _, p := range rec.Problems() {
			// UTF-8 names are legal in the exposition; the Runner drops them
			// (counted). Every other problem is the agent's fault.
			require.Regexp(t, `invalid or reserved (metric|label) name|series emitted twice|not UTF-8`, p)
		}
	})
}
