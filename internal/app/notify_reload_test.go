package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// reloadHookConfig is notifyConfig with a bearer token on the webhook.
var reloadHookConfig = strings.Replace(notifyConfig, `webhook: {url: "{{hook}}"}`,
	`webhook: {url: "{{hook}}", bearer_token: "{{token}}"}`, 1)

// linkTrapper sends linkDown/linkUp traps for one port of lb-agg-01.
func linkTrapper(t *testing.T, s *started, port int) func(oid string) {
	require.Eventually(t, func() bool {
		return strings.Contains(getJSON(t, s, "/api/v1/targets"), "lb-agg-01")
	}, time.Minute, 50*time.Millisecond)
	return func(oid string) {
		testpeer.SNMPTrap(t).V2c(t, fmt.Sprintf("udp:127.0.0.1:%d", port), "wan-public", oid,
			"1.3.6.1.2.1.2.2.1.1.7", "i", "7", "1.3.6.1.2.1.31.1.1.1.1.7", "s", "GE0/0/7")
	}
}

const (
	linkDown = "1.3.6.1.6.3.1.1.5.3"
	linkUp   = "1.3.6.1.6.3.1.1.5.4"
)

// rewrite replaces old with new in the server's configuration file and reloads it.
func rewrite(t *testing.T, s *started, old, new string) {
	t.Helper()
	b, err := os.ReadFile(s.file)
	require.NoError(t, err)
	require.Contains(t, string(b), old)
	require.NoError(t, os.WriteFile(s.file, []byte(strings.Replace(string(b), old, new, 1)), 0o600))
	code, body := postReload(t, s)
	require.Equal(t, http.StatusOK, code, body)
}

// A reload that moves the receiver's webhook to a new address sends the next
// notification there, without a restart; the old address hears nothing more.
func TestReloadSendsToTheNewWebhookAddress(t *testing.T) {
	before, after := &hookSink{}, &hookSink{}
	oldHook, newHook := httptest.NewServer(before), httptest.NewServer(after)
	defer oldHook.Close()
	defer newHook.Close()
	s, port := startTrapServer(t, reloadHookConfig, map[string]string{
		"{{hook}}": oldHook.URL + "/hook", "{{token}}": "tok-1"})
	trap := linkTrapper(t, s, port)
	trap(linkDown)
	require.Eventually(t, func() bool { return len(before.messages()) == 1 }, time.Minute, 10*time.Millisecond)

	rewrite(t, s, oldHook.URL+"/hook", newHook.URL+"/hook")
	trap(linkUp)
	require.Eventually(t, func() bool { return len(after.messages()) == 1 }, time.Minute, 10*time.Millisecond,
		"the recovery goes to the new address")
	m := after.messages()[0]
	assert.Equal(t, "resolved", m.Status)
	assert.Equal(t, "duty", m.Receiver)
	assert.Len(t, before.messages(), 1, "the old address hears nothing more")

	// Each delivery is on the incident's timeline, its attempt first, and the
	// incident page says so in Chinese.
	var detail string
	require.Eventually(t, func() bool { // 已通知 is written once the reply is in, after the POST
		detail = getJSON(t, s, fmt.Sprintf("/api/v1/incidents/%d", m.SwanWatch.IncidentID))
		return strings.Count(detail, `"kind":"notified"`) == 2
	}, time.Minute, 10*time.Millisecond)
	assert.Equal(t, 2, strings.Count(detail, `"kind":"notify_attempt"`), detail)
	assert.Less(t, strings.Index(detail, `"kind":"notify_attempt"`), strings.Index(detail, `"kind":"notified"`))
	page := getJSON(t, s, fmt.Sprintf("/incidents?id=%d", m.SwanWatch.IncidentID))
	assert.Contains(t, page, "发送尝试")
	assert.Contains(t, page, "第1次发送至 duty/webhook")
}

// Only the bearer token changes: its JSON form is the same mask, but the
// channel is rebuilt and the next notification carries the new token.
func TestReloadOfOnlyASecretRebuildsTheChannel(t *testing.T) {
	sink := &hookSink{}
	hook := httptest.NewServer(sink)
	defer hook.Close()
	s, port := startTrapServer(t, reloadHookConfig, map[string]string{
		"{{hook}}": hook.URL + "/hook", "{{token}}": "tok-old"})
	trap := linkTrapper(t, s, port)
	trap(linkDown)
	require.Eventually(t, func() bool { return len(sink.messages()) == 1 }, time.Minute, 10*time.Millisecond)

	rewrite(t, s, `bearer_token: "tok-old"`, `bearer_token: "tok-new"`)
	trap(linkUp)
	require.Eventually(t, func() bool { return len(sink.messages()) == 2 }, time.Minute, 10*time.Millisecond)
	assert.Equal(t, []string{"Bearer tok-old", "Bearer tok-new"}, sink.authorizations())
}
