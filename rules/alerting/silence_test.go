package alerting

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

func TestSilence(t *testing.T) {
	ms, err := ParseMatchers(`{district="灵宝市",alertname=~"Link.*"}`)
	require.NoError(t, err)
	s := Silence{ID: "s1", Matchers: ms, StartsAt: t0, EndsAt: t0.Add(time.Hour), CreatedBy: "张工", Comment: "光缆抢修"}
	require.NoError(t, s.Validate())
	hit := alert("a", true, "district", "灵宝市", "alertname", "LinkDown")
	miss := alert("b", true, "district", "湖滨区", "alertname", "LinkDown")
	for _, tc := range []struct {
		name string
		a    Alert
		now  time.Time
		want bool
	}{
		{"before start", hit, t0.Add(-time.Second), false},
		{"at start", hit, t0, true},
		{"last instant", hit, t0.Add(time.Hour - time.Nanosecond), true},
		{"at end", hit, t0.Add(time.Hour), false},
		{"other district", miss, t0.Add(time.Minute), false},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, s.Silenced(tc.a, tc.now)) })
	}
	other := Silence{ID: "s2", Matchers: Matchers{mustMatcher(t, "alertname", labelmatch.Equal, "LinkDown")}, StartsAt: t0, EndsAt: t0.Add(time.Minute), CreatedBy: "李工"}
	assert.Equal(t, []string{"s1", "s2"}, SilencedBy([]Silence{s, other}, hit, t0))
	assert.Equal(t, []string{"s2"}, SilencedBy([]Silence{s, other}, miss, t0))
	assert.Empty(t, SilencedBy([]Silence{s, other}, miss, t0.Add(time.Minute)))
}

func TestSilenceValidate(t *testing.T) {
	ok := Matchers{mustMatcher(t, "site", labelmatch.Equal, "湖滨机房")}
	for _, tc := range []struct {
		name    string
		s       Silence
		wantErr string
	}{
		{"end before start", Silence{ID: "x", Matchers: ok, StartsAt: t0, EndsAt: t0, CreatedBy: "a"}, "ends_at must be after starts_at"},
		{"no author", Silence{ID: "x", Matchers: ok, StartsAt: t0, EndsAt: t0.Add(time.Hour)}, "created_by is required"},
		{"no matchers", Silence{ID: "x", StartsAt: t0, EndsAt: t0.Add(time.Hour), CreatedBy: "a"}, "needs at least one matcher"},
		{"matches everything", Silence{ID: "x", Matchers: Matchers{mustMatcher(t, "site", labelmatch.Regexp, ".*")},
			StartsAt: t0, EndsAt: t0.Add(time.Hour), CreatedBy: "a"}, "needs at least one matcher"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), "silence x: "+tc.wantErr)
		})
	}
}

func TestSilenceJSONRoundTrip(t *testing.T) {
	ms, err := ParseMatchers(`{district="灵宝市",severity!~"minor|warning"}`)
	require.NoError(t, err)
	in := Silence{ID: "s1", Matchers: ms, StartsAt: t0, EndsAt: t0.Add(time.Hour), CreatedBy: "张工"}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"matchers":"{district=\"灵宝市\",severity!~\"minor|warning\"}"`)
	var out Silence
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, in.Matchers.String(), out.Matchers.String())
	assert.True(t, out.Silenced(alert("a", true, "district", "灵宝市", "severity", "major"), t0))
}
