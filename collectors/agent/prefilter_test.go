package agent

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrefilterKeepsLineNumbersAndSkipsDroppedFamilies(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		wantErr string
		series  []string
	}{
		{"malformed line of a dropped family costs nothing",
			"go_goroutines{ 12\n# TYPE node_load1 gauge\nnode_load1 0.5\n", "", []string{"node_load1{}"}},
		{"line number counts dropped lines",
			"# HELP go_goroutines x\n# TYPE go_goroutines gauge\ngo_goroutines 1\nnode_load1 0.5 x\n",
			`parse exposition: line 4: expected integer as timestamp, got "x": "node_load1 0.5 x"`, nil},
		{"histogram series follow their family",
			"# TYPE node_cpu_x histogram\nnode_cpu_x_bucket{le=\"+Inf\"} 1\nnode_cpu_x_sum 2\nnode_cpu_x_count 1\n", "",
			[]string{`node_cpu_x_bucket{le="+Inf"}`, "node_cpu_x_count{}", "node_cpu_x_sum{}"}},
		{"no trailing newline", "node_load1 0.5", "", []string{"node_load1{}"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := fake(t, func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(tc.body)) })
			rec, err := scrape(t, newTestCollector(t, "node_cpu_*"), vmTarget(url))
			if tc.wantErr != "" {
				require.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.series, rec.Series())
		})
	}
}
