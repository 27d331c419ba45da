package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestSecadminChangesRoleInBrowser drives the 账号管理 page in a real
// Chromium through the whole route table: the security administrator logs
// in (password, then TOTP enrolment), opens /users, picks 运维人员 for
// viewer1 and confirms; the script calls the role API with the session's
// CSRF header, the page reloads showing the new role, the store holds it and
// the audit trail names who did it. Then on 口令策略 a value below the floor
// shows the API's refusal in the page, and a valid one is saved.
func TestSecadminChangesRoleInBrowser(t *testing.T) {
	s, srv := serveTable(t)
	browser := testpeer.Chromium(t, 1280, 900)
	_, err := chromedp.Run(browser, chromedp.Navigate(srv.URL+"/login"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(browser, time.Minute)
	defer cancel()

	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("user"), users[auth.RoleSecadmin]),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("totp-secret"))))
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("totp-secret")))
	require.NoError(t, err)
	code, err := totp.GenerateCode(secret, time.Now())
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("totp"), code),
		chromedp.Submit(chromedp.ID("totp")),
		chromedp.WaitVisible(chromedp.ID("welcome"))))

	asked, dialogs := make(chan string, 1), chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() { // the page asks before it changes anything; accept
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			select {
			case asked <- ev.Message:
			default:
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	roleCell := `(() => { const r = [...document.querySelectorAll("tr")].find(r => r.querySelector('[data-set-role="viewer1"]'));
		return r ? r.cells[1].textContent : ""; })()`
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/users"),
		chromedp.WaitVisible(chromedp.CSS(`button[data-set-role="viewer1"]`))))
	before, err := chromedp.Run(ctx, chromedp.Evaluate[string](roleCell))
	require.NoError(t, err)
	require.Equal(t, "只读用户", before)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[data-role-of="viewer1"]`), "operator"),
		chromedp.Click(chromedp.CSS(`button[data-set-role="viewer1"]`))))
	select {
	case msg := <-asked:
		assert.Equal(t, "确定将 viewer1 的角色改为运维人员？", msg)
	case <-ctx.Done():
		t.Fatal("the page did not ask before changing the role")
	}
	// The page reloads: evaluations fail while it does; retry until it shows the role.
	var after string
	for ctx.Err() == nil && after != "运维人员" {
		time.Sleep(100 * time.Millisecond)
		after, _ = chromedp.Run(ctx, chromedp.Evaluate[string](roleCell))
	}
	require.Equal(t, "运维人员", after, "the reloaded page shows the new role")
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("users-msg")))
	require.NoError(t, err)
	assert.Empty(t, msg, "no error shown")

	// 口令策略: the API's refusal is shown in the page, then a valid value saved.
	policyMsg := func(want string) string {
		var got string
		for ctx.Err() == nil && !strings.Contains(got, want) {
			time.Sleep(100 * time.Millisecond)
			got, _ = chromedp.Run(ctx, chromedp.Text(chromedp.ID("policy-msg")))
		}
		return got
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/users/policy"),
		chromedp.WaitVisible(chromedp.ID("policy-min_length")),
		chromedp.SetValue(chromedp.ID("policy-min_length"), "8"),
		chromedp.Click(chromedp.CSS(`#policy-form button[type="submit"]`))))
	assert.Contains(t, policyMsg("应在"), "保存口令策略失败：密码最小长度应在 10 到 64 之间")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("policy-min_length"), "12"),
		chromedp.Click(chromedp.CSS(`#policy-form button[type="submit"]`))))
	assert.Equal(t, "口令策略已保存", policyMsg("已保存"))
	pol, err := s.auth.Policy(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 12, pol.MinLength)

	list, err := s.auth.ListUsers(context.Background())
	require.NoError(t, err)
	for _, u := range list {
		if u.Name == "viewer1" {
			assert.Equal(t, auth.RoleOperator, u.Role)
		}
	}
	entries, err := s.audit.Query(context.Background(), audit.Filter{From: time.Now().Add(-time.Hour),
		To: time.Now().Add(time.Hour), User: users[auth.RoleSecadmin], Limit: 100})
	require.NoError(t, err)
	var audited bool
	for _, e := range entries {
		audited = audited || (e.Action == "user.role" && e.Object == "viewer1" && e.Detail == "role=operator")
	}
	assert.True(t, audited, "the change is in the audit trail under the secadmin's name: %v", entries)
}
