package channelset

import (
	"log/slog"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/dingtalk"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/wecom"
)

func build(t *testing.T, rs ...Receiver) Set {
	t.Helper()
	s, err := Build(rs, "http://sw.example", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return s
}

func duty(hook, token string) Receiver {
	return Receiver{Name: "duty",
		WeCom:   &wecom.Config{URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"},
		Webhook: &webhook.Config{URL: secret.Secret(hook), BearerToken: secret.Secret(token)}}
}

func TestBuildNamesChannelsByReceiverAndKind(t *testing.T) {
	s := build(t, duty("http://127.0.0.1:1/hook", ""), Receiver{Name: "leaders",
		DingTalk: &dingtalk.Config{URL: "https://oapi.dingtalk.com/robot/send?access_token=t"}})
	assert.Equal(t, map[string][]string{"duty": {"duty/webhook", "duty/wecom"}, "leaders": {"leaders/dingtalk"}}, s.Receivers)
	assert.Len(t, s.Senders, 3)
}

func TestBuildListsEveryBadReceiver(t *testing.T) {
	_, err := Build([]Receiver{
		{Name: "a", WeCom: &wecom.Config{URL: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}},
		{Name: "b", Webhook: &webhook.Config{URL: "ftp://x"}},
	}, "", slog.New(slog.DiscardHandler))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `alerting receiver "a"`)
	assert.Contains(t, err.Error(), `alerting receiver "b"`)
}

// A reload keeps the senders of unchanged channels and rebuilds the others,
// also when only a secret changed (its JSON form is the same mask).
func TestReloadKeepsTheSendersOfUnchangedChannels(t *testing.T) {
	running := build(t, duty("http://127.0.0.1:1/hook", "old-token"))
	for _, tc := range []struct {
		name string
		next Receiver
		want Changes
	}{
		{"nothing", duty("http://127.0.0.1:1/hook", "old-token"), Changes{}},
		{"address", duty("http://127.0.0.1:2/hook", "old-token"), Changes{Changed: []string{"duty/webhook"}}},
		{"secret only", duty("http://127.0.0.1:1/hook", "new-token"), Changes{Changed: []string{"duty/webhook"}}},
		{"channel removed", Receiver{Name: "duty", WeCom: duty("", "").WeCom}, Changes{Removed: []string{"duty/webhook"}}},
		{"receiver renamed", func() Receiver { r := duty("http://127.0.0.1:1/hook", "old-token"); r.Name = "noc"; return r }(),
			Changes{Added: []string{"noc/webhook", "noc/wecom"}, Removed: []string{"duty/webhook", "duty/wecom"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := build(t, tc.next)
			assert.Equal(t, tc.want, next.Keep(running))
			assert.Equal(t, tc.want.None(), tc.name == "nothing")
			for name, s := range next.Senders {
				kept := s == running.Senders[name]
				changed := slices.Contains(tc.want.Changed, name) || slices.Contains(tc.want.Added, name)
				assert.NotEqual(t, changed, kept, "%s: a changed or new channel gets a new sender, the others keep theirs", name)
			}
		})
	}
}
