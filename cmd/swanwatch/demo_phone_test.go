package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// phoneDir is where the phone's screenshots go (a CI artifact, like the wall's).
var phoneDir = filepath.Join("..", "..", "build", "phone")

var detailLink = regexp.MustCompile(`详情：(http\S+/ack/\S+)`)

// phoneStory is issue 14's "done when" inside the town uplink story: 李四,
// on duty, is paged by WeCom application message; the page it opens, on a
// 390×844 phone in Chromium, shows the children held back, the timeline and
// the actions; then a voice call, unanswered, moves the escalation on at
// once to an SMS, which 李四 answers "1": the incident is acknowledged under
// 李四's name, the escalation stops, and the audit trail has it.
func phoneStory(t *testing.T, d *demoRun, inbox *robotInbox, root int64) {
	var msg []string
	require.Eventually(t, func() bool {
		msg = inbox.matching("企业微信应用消息 → lisi", "第1次升级")
		return len(msg) == 1
	},
		150*time.Second, time.Second, "李四 gets a WeCom application message: %v", inbox.matching())
	m := detailLink.FindStringSubmatch(msg[0])
	require.NotNil(t, m, "the message links to the incident page: %s", msg[0])
	page := m[1]
	assert.Contains(t, page, d.url+"/ack/", "the link points at the server")

	ctx := testpeer.Chromium(t, 390, 844)
	// A desktop window is at least 500 wide: the phone's screen is emulated,
	// as a phone's browser reports it (mobile, 3× pixels).
	_, err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(3)))
	require.NoError(t, err)
	var body string
	require.Eventually(t, func() bool {
		body = phoneText(t, ctx, page)
		return strings.Contains(body, "条下级告警")
	}, 30*time.Second, 2*time.Second, "the page shows the children held back: %s", body)
	for _, want := range []string{"重要 · 事件 #", "告警中", "因上级故障抑制", "时间线", "第1次升级", "李四，您好", "确认", "添加处置记录", "静默", "转派"} {
		assert.Contains(t, body, want)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	inner, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	require.NoError(t, err)
	assert.Equal(t, 390, inner, "the page sees a 390-wide phone")
	require.NoError(t, err)
	assert.LessOrEqual(t, width, 390, "nothing wider than the phone")
	shootPhone(t, ctx, "incident-paged.png")

	require.Eventually(t, func() bool { return len(inbox.matching("语音电话 → 13800000002", "无人接听")) == 1 },
		120*time.Second, time.Second, "then a voice call, which nobody answers: %v", inbox.matching("语音"))
	require.Eventually(t, func() bool { return len(inbox.matching("短信 → 13800000002", "第3次升级")) == 1 },
		20*time.Second, 500*time.Millisecond, "unanswered: the next step (SMS) goes at once, not in five minutes: %v", inbox.matching("短信"))
	var inc struct {
		Data struct {
			Incident struct {
				AckedBy        string `json:"acked_by"`
				EscalationStep int    `json:"escalation_step"`
			} `json:"incident"`
		}
	}
	require.Eventually(t, func() bool {
		require.Equal(t, http.StatusOK, d.get(t, fmt.Sprintf("/api/v1/incidents/%d", root), &inc))
		return inc.Data.Incident.AckedBy != ""
	}, 30*time.Second, 500*time.Millisecond, "李四 answers the SMS with 1")
	assert.Equal(t, "李四（短信回复）", inc.Data.Incident.AckedBy)
	assert.Equal(t, 3, inc.Data.Incident.EscalationStep, "acknowledged: the escalation stops after the SMS")

	body = phoneText(t, ctx, page)
	for _, want := range []string{"已确认", "李四（短信回复）", "语音未接听", "立即升级"} {
		assert.Contains(t, body, want)
	}
	shootPhone(t, ctx, "incident-acked.png")
	assertAudited(t, d, "李四（短信回复）", root)
}

// phoneText opens url and returns the page's text.
func phoneText(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Navigate(url))
	require.NoError(t, err)
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	require.NoError(t, err)
	return s
}

func shootPhone(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(phoneDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(phoneDir, name), png, 0o644))
	assert.Greater(t, len(png), 20_000, "%s is a real picture, not a blank page", name)
}

// assertAudited finds the acknowledgement in the demo's audit trail, under
// the person's name and the route's pattern (never the gateway's token).
func assertAudited(t *testing.T, d *demoRun, user string, incident int64) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(d.dir, "state.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer db.Close()
	var action, object, detail string
	err = db.QueryRow(`SELECT action, object, detail FROM audit_log WHERE username = ? ORDER BY id DESC LIMIT 1`, user).
		Scan(&action, &object, &detail)
	require.NoError(t, err, "the SMS reply is in the audit trail")
	assert.Equal(t, "POST /hooks/sms/{receiver}", action)
	assert.Equal(t, fmt.Sprintf("incident %d", incident), object)
	assert.Contains(t, detail, "短信回复 确认")
}
