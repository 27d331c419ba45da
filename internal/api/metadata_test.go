package api

import (
	"context"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStaticMetadataLimit(t *testing.T) {
	s := StaticMetadata{
		"a": {{Type: "gauge"}}, "b": {{Type: "counter"}}, "c": {{Type: "gauge"}},
	}
	tests := []struct {
		name   string
		metric string
		limit  int
		want   []string
	}{
		{"all", "", -1, []string{"a", "b", "c"}},
		{"first two in name order", "", 2, []string{"a", "b"}},
		{"zero", "", 0, nil},
		{"one metric", "b", -1, []string{"b"}},
		{"unknown metric", "zz", -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Metadata(tt.metric, tt.limit)
			require.Len(t, got, len(tt.want))
			for _, name := range tt.want {
				assert.Equal(t, s[name], got[name])
			}
		})
	}
}

func TestMultiMetadataMerges(t *testing.T) {
	collectors := StaticMetadata{
		"node_cpu_seconds_total": {{Type: "counter", Help: "Seconds the CPUs spent in each mode.", Unit: "seconds"}},
		"up":                     {{Type: "gauge", Help: "目标最近一轮采集是否成功:1=成功,0=失败"}},
	}
	m := MultiMetadata{DefaultMetadata(), collectors}
	got := m.Metadata("", -1)
	assert.Len(t, got["up"], 1, "identical entries are not repeated")
	assert.Contains(t, got, "node_cpu_seconds_total")
	assert.Contains(t, got, "swanwatch:agent_online_city:ratio")
	assert.Len(t, m.Metadata("", 3), 3)
	assert.Len(t, m.Metadata("node_cpu_seconds_total", -1), 1)
}

func TestMetadataLimitPerMetricOverHTTP(t *testing.T) {
	f := &fixture{agents: 1, start: time.Unix(0, 0), step: time.Second, points: 1, offline: func(int) bool { return false }}
	f.openDB(t)
	f.queryOpt.Metadata = StaticMetadata{
		"if_in_octets_total": {
			{Type: "counter", Help: "Octets received.", Unit: "bytes"},
			{Type: "counter", Help: "Octets received on the interface.", Unit: "bytes"},
		},
	}
	f.serve(t)
	got, err := f.api.Metadata(context.Background(), "if_in_octets_total", "")
	require.NoError(t, err)
	assert.Len(t, got["if_in_octets_total"], 2)
	assert.Equal(t, v1.MetricTypeCounter, got["if_in_octets_total"][0].Type)

	code, eb := getError(t, f, "GET", "/api/v1/metadata", map[string][]string{"limit_per_metric": {"x"}})
	assert.Equal(t, 400, code)
	assert.Equal(t, "bad_data", eb.ErrorType)
}
