package agent

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

func TestSumWithoutFoldsPerCPUSeries(t *testing.T) {
	body := `# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 100
node_cpu_seconds_total{cpu="1",mode="idle"} 50.5
node_cpu_seconds_total{cpu="0",mode="user"} 7
node_cpu_seconds_total{cpu="1",mode="user"} 3
# TYPE node_load1 gauge
node_load1 0.5
`
	c := New(Config{}.WithDefaults(), nil)
	got := map[string]float64{}
	emit := func(name string, v float64, kv ...string) {
		key := name
		for i := 0; i+1 < len(kv); i += 2 {
			key += "," + kv[i] + "=" + kv[i+1]
		}
		got[key] = v
	}
	require.NoError(t, c.emitBody([]byte(body), collectors.Target{Kind: "agent", Name: "vm"}, emit))
	assert.Equal(t, map[string]float64{
		"node_cpu_seconds_total,mode=idle":                                  150.5,
		"node_cpu_seconds_total,mode=user":                                  10,
		"agent_summed_label_values,family=node_cpu_seconds_total,label=cpu": 2,
		"node_load1": 0.5,
	}, got)
}

func TestSumWithoutValidation(t *testing.T) {
	cfg := Config{SumWithout: map[string][]string{"node_cpu_seconds_total": {"not a label"}, "bad name": {"cpu"}}}.WithDefaults()
	err := cfg.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a label")
	assert.Contains(t, err.Error(), "bad name")
}
