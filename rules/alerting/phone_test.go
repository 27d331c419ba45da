package alerting

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The page carries each person's own link and call reference; a voice call
// nobody answered brings the next page forward at once; an answered one
// does not; key 1 acknowledges.
func TestUnansweredCallMovesTheEscalationOn(t *testing.T) {
	ctx := context.Background()
	e := newNotifyEnv(t)
	root := e.fire("WanLinkDown", "lsx-t001-up", "critical")
	e.tick()
	q := e.queued()
	require.Len(t, q, 2)
	page := q[1].n
	require.Len(t, page.Recipients, 1)
	zhang := page.Recipients[0]
	assert.Equal(t, "张三", zhang.Name)
	assert.Equal(t, "zhangsan", zhang.WeCom)
	link, err := e.n.opts.AckLinks.VerifyLink(zhang.AckURL[len("https://sw.example/ack/"):])
	require.NoError(t, err)
	assert.Equal(t, Link{Incident: root.ID, Person: "张三"}, link)

	// Answered, no key: the schedule stands (the next page is at +10m).
	require.NoError(t, callReport(ctx, e.n, zhang.Call, true, "", "200000"))
	e.c.add(time.Minute)
	e.tick()
	assert.Len(t, e.queued(), 2, "an answered call is not an acknowledgement, nor a reason to hurry")

	// Not answered: the next page goes at the next tick, not at +10m.
	require.NoError(t, callReport(ctx, e.n, zhang.Call, false, "", "用户未接听"))
	e.tick()
	q = e.queued()
	require.Len(t, q, 4, "step 2 paged at once over wecom and sms")
	assert.Contains(t, q[2].n.Text, "第2次升级")
	kinds := timelineKinds(t, e.store, root.ID)
	assert.Contains(t, kinds, "voice_answered")
	assert.Contains(t, kinds, "voice_unanswered")
	got, err := e.store.Get(ctx, root.ID)
	require.NoError(t, err)
	assert.True(t, got.HurryAt.IsZero(), "the page consumed the hurry")
	e.tick()
	assert.Len(t, e.queued(), 4, "one hurry, one page: step 3 keeps its schedule")

	// A forged reference is refused and changes nothing.
	_, err = e.n.CallReport(ctx, "1.1.5byJ5Zub.AAAA", false, "", "")
	assert.ErrorIs(t, err, ErrBadAckLink)

	// Key 1: acknowledged by the person, as said by the call.
	require.NoError(t, callReport(ctx, e.n, q[3].n.Recipients[0].Call, true, "1", ""))
	got, err = e.store.Get(ctx, root.ID)
	require.NoError(t, err)
	assert.Equal(t, "张三（语音按键）", got.AckedBy)
	e.c.add(2 * time.Hour)
	e.tick()
	assert.Len(t, e.queued(), 4, "acknowledged: nothing more")
}

// An SMS reply "1" acknowledges the sender's latest open incident paged to
// them; a numbered reply only an incident paged to them; other text is a
// note; a stranger's reply is refused.
func TestSMSReplyAcknowledges(t *testing.T) {
	ctx := context.Background()
	e := newNotifyEnv(t)
	first := e.fire("WanLinkDown", "lsx-t001-up", "critical")
	e.tick()
	e.c.add(time.Minute)
	second := e.fire("WanLinkDown", "lsx-t002-up", "critical")
	e.tick()
	other := e.fire("WanLinkDown", "lsx-t003-up", "minor") // below the policy's floor: never paged

	_, _, err := e.n.SMSReply(ctx, "+8613900009999", "1", true, 0)
	assert.ErrorIs(t, err, ErrUnknownSender)
	_, _, err = e.n.SMSReply(ctx, "13800000001", "1", true, other.ID)
	assert.ErrorIs(t, err, ErrNoIncident, "not paged to 张三")

	inc, _, err := e.n.SMSReply(ctx, "+86 138-0000-0001", "正在处理", false, 0)
	require.NoError(t, err)
	assert.Equal(t, second.ID, inc.ID, "the latest page")
	inc, _, err = e.n.SMSReply(ctx, "13800000001", "1", true, first.ID)
	require.NoError(t, err)
	assert.Equal(t, "张三（短信回复）", inc.AckedBy)
	inc, _, err = e.n.SMSReply(ctx, "8613800000001", "1", true, 0)
	require.NoError(t, err)
	assert.Equal(t, second.ID, inc.ID)
	assert.Equal(t, "张三（短信回复）", inc.AckedBy)
	_, _, err = e.n.SMSReply(ctx, "13800000001", "1", true, 0)
	assert.ErrorIs(t, err, ErrNoIncident, "nothing left unacknowledged")

	tl, err := e.store.Timeline(ctx, second.ID)
	require.NoError(t, err)
	var notes []string
	for _, x := range tl {
		if x.Kind == "note" {
			notes = append(notes, x.Actor+"："+x.Detail)
		}
	}
	assert.Equal(t, []string{"张三（短信回复）：正在处理"}, notes)
}

// 转派: the incident is handed to another roster person, who is paged at
// once with their own link and finds it among their open incidents.
func TestHandoverPagesThePerson(t *testing.T) {
	ctx := context.Background()
	e := newNotifyEnv(t)
	root := e.fire("WanLinkDown", "lsx-t001-up", "critical")
	e.tick()
	before := len(e.queued())
	_, err := e.n.Handover(ctx, root.ID, "无此人", "张三（消息链接）", "")
	assert.ErrorContains(t, err, "not on any duty roster")
	inc, err := e.n.Handover(ctx, root.ID, "王五", "张三（消息链接）", "我在外地")
	require.NoError(t, err)
	assert.Equal(t, "王五", inc.Assignee)
	q := e.queued()
	require.Len(t, q, before+1)
	h := q[len(q)-1].n
	assert.Contains(t, h.Title, "【转派·紧急】")
	assert.Contains(t, h.Text, "张三（消息链接） 将此事件转派给你处理：我在外地")
	require.Len(t, h.Recipients, 1)
	assert.Equal(t, "王五", h.Recipients[0].Name)
	assert.Contains(t, h.Recipients[0].AckURL, "https://sw.example/ack/")
	mine, err := e.store.OpenFor(ctx, "王五")
	require.NoError(t, err)
	require.Len(t, mine, 1)
	assert.Equal(t, root.ID, mine[0].ID)
	assert.Contains(t, timelineKinds(t, e.store, root.ID), "handover")
}

func callReport(ctx context.Context, n *Notifier, ref string, answered bool, keys, status string) error {
	_, err := n.CallReport(ctx, ref, answered, keys, status)
	return err
}
