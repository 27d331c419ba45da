package logstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A firewall's flow labels are kept with each event: a day of session lines from
// one firewall has one label set in the index, not one per line, and the flow
// still comes back as labels and filters like any label.
func TestFlowLabelsAreFieldsNotStreams(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: at("2026-11-27 14:00:00.000")}
	s := openTest(t, dir, clk.Now, nil)
	var in []Event
	for i := range 500 {
		in = append(in, ev(at("2026-11-26 10:00:00.000").Add(time.Duration(i)*time.Second), fmt.Sprintf("session %d", i),
			"instance", "fw-01", "class", "fw_session", "src_ip", fmt.Sprintf("10.12.%d.%d", i/250, i%250), "src_port", fmt.Sprint(40000+i),
			"dst_ip", "61.135.169.121", "dst_port", []string{"443", "3389"}[i%2], "nat_src_ip", "222.88.1.10", "nat_src_port", fmt.Sprint(20000+i)))
	}
	require.NoError(t, s.Append(context.Background(), in...))
	streams, _, err := loadStreams(filepath.Join(dir, "2026-11-26", streamsFile), nil)
	require.NoError(t, err)
	assert.Len(t, streams, 1, "one label set for 500 flows")

	check := func(t *testing.T) {
		got := allForward(t, s, Query{})
		require.Len(t, got, 500)
		assert.Equal(t, in[7].Labels, got[7].Labels, "the flow comes back as labels")
		for name, q := range map[string]Query{
			"selector":        {Matchers: `{src_ip="10.12.1.3",instance="fw-01"}`},
			"selector regexp": {Matchers: `{src_port=~"4025[3]"}`},
			"filter":          {Labels: map[string][]string{"nat_src_port": {"20253"}}},
		} {
			got := allForward(t, s, q)
			require.Len(t, got, 1, name)
			assert.Equal(t, "session 253", got[0].Text, name)
		}
		assert.Len(t, allForward(t, s, Query{Labels: map[string][]string{"dst_port": {"3389"}, "class": {"fw_session"}}}), 250)
		assert.Empty(t, allForward(t, s, Query{Matchers: `{src_ip="10.12.1.3",instance="fw-02"}`}))
		assert.Len(t, allForward(t, s, Query{Matchers: `{dst_port!="443"}`}), 250)
	}
	t.Run("live", check)
	ageFiles(t, dir, clk.Now())
	require.NoError(t, s.Compact(context.Background()))
	t.Run("compressed", check)
}

func TestFieldsRecordRoundTrip(t *testing.T) {
	fields := []labelPair{{"src_ip", "10.0.0.1"}, {"dst_port", "443"}}
	p := encodeEvent(nil, 1764223509000000000, 7, fields, "拒绝 deny")
	ts, id, raw, text, err := decodeEvent(p)
	require.NoError(t, err)
	assert.Equal(t, int64(1764223509000000000), ts)
	assert.Equal(t, uint32(7), id)
	assert.Equal(t, "拒绝 deny", string(text))
	assert.Equal(t, fields, decodeFields(nil, raw))

	old := encodeEvent(nil, 1764223509000000000, 7, nil, "旧格式")
	_, _, raw, text, err = decodeEvent(old)
	require.NoError(t, err)
	assert.Empty(t, raw)
	assert.Equal(t, "旧格式", string(text), "a record without fields is the original format")
}
