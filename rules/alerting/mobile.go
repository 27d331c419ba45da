package alerting

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// MobileAPI serves the incident page a message links to (docs/oncall.md):
// GET /ack/{token} shows the incident as a phone shows it, POST /ack/{token}
// does one action (确认, 处置记录, 静默, 转派, 标记已恢复). The signed link is
// the credential — one incident, expiring — so both are mounted open; a GET
// never changes anything, because chat apps fetch links to preview them.
// A person's own link records what they do under their name, marked
// "（消息链接）" so nobody mistakes it for a logged-in user; a group link asks
// for a name.
type MobileAPI struct {
	links *AckLinks
	store *Incidents
	opts  MobileOptions
}

// MobileOptions are what the page's actions need besides the incident store.
type MobileOptions struct {
	Notifier *Notifier // 转派 pages the new person; the roster lists who may take it
	Silences *Silences // 静默
	// Resolvable tells an event-only incident (raised by an event rule that
	// no recovery event closes): the page offers 标记已恢复 for it alone.
	// Release makes that rule forget the incident before it is marked
	// resolved by hand, so the next event raises a new one; false: refused.
	// Nil: never offered.
	Resolvable func(a Alert) bool
	Release    func(ctx context.Context, a Alert) bool
	// Vouch names who acted, for the audit trail: the link carries no login.
	Vouch func(r *http.Request, actor, object, detail string)
	Now   func() time.Time
}

// NewMobileAPI builds the handlers of the message links.
func NewMobileAPI(links *AckLinks, store *Incidents, opts MobileOptions) *MobileAPI {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &MobileAPI{links: links, store: store, opts: opts}
}

// Page shows the incident behind a link.
func (a *MobileAPI) Page(w http.ResponseWriter, r *http.Request) {
	link, inc, ok := a.incident(w, r)
	if !ok {
		return
	}
	a.render(w, r, http.StatusOK, link, inc, doneText[r.URL.Query().Get("done")], "")
}

// doneText is what a finished action says on the page it returns to; the
// query carries only its key, so a crafted link cannot make the page say
// anything else.
var doneText = map[string]string{
	"ack": "已确认，升级通知已停止。", "note": "处置记录已添加。", "silence": "已静默。",
	"handover": "已转派，对方已收到通知。", "resolve": "已标记为已恢复。",
}

// Act does the action the form names and returns to the page.
func (a *MobileAPI) Act(w http.ResponseWriter, r *http.Request) {
	link, inc, ok := a.incident(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8192)
	if err := r.ParseForm(); err != nil {
		a.render(w, r, http.StatusBadRequest, link, inc, "", "表单无效")
		return
	}
	do := r.PostFormValue("do")
	if do == "" {
		do = "ack" // the first version of the page had one button and no field
	}
	actor := actorOf(link, r.PostFormValue("name"))
	detail, code, err := a.act(r.Context(), do, inc, link, actor, r.PostForm)
	if a.opts.Vouch != nil {
		a.opts.Vouch(r, actor, "incident "+itoa(inc.ID), actionWord(do)+" "+detail)
	}
	if err != nil {
		got, _ := a.store.Get(r.Context(), inc.ID)
		a.render(w, r, code, link, got, "", err.Error())
		return
	}
	http.Redirect(w, r, "/ack/"+url.PathEscape(r.PathValue("token"))+"?done="+do, http.StatusSeeOther)
}

// act does one action; the error is for the person holding the phone.
func (a *MobileAPI) act(ctx context.Context, do string, inc Incident, link Link, actor string, f url.Values) (detail string, code int, err error) {
	reason := clip(f.Get("reason"), 200)
	switch do {
	case "ack":
		_, err = a.store.Ack(ctx, inc.ID, actor)
	case "note":
		detail = clip(f.Get("note"), 1000)
		if detail == "" {
			return "", http.StatusBadRequest, errors.New("请填写处置记录")
		}
		err = a.store.Note(ctx, inc.ID, "note", actor, detail)
	case "silence":
		detail, err = a.silence(ctx, inc, actor, f.Get("for"), reason)
	case "handover":
		detail = clip(f.Get("to"), 32)
		err = a.handover(ctx, inc, link, actor, detail, reason)
	case "resolve":
		err = a.resolve(ctx, inc, actor, reason)
	default:
		return "", http.StatusBadRequest, errors.New("不支持的操作")
	}
	switch {
	case errors.Is(err, ErrAlreadyAcked):
		return detail, http.StatusConflict, errors.New("事件已被确认")
	case errors.Is(err, ErrNotOpen):
		return detail, http.StatusConflict, errors.New("事件已恢复")
	case errors.As(err, new(userError)):
		return detail, http.StatusBadRequest, err
	case err != nil:
		return detail, http.StatusInternalServerError, errors.New("操作失败，请稍后重试或登录系统处理")
	}
	return detail, http.StatusSeeOther, nil
}

// userError is a refusal the person can act on, shown as it is.
type userError string

func (e userError) Error() string { return string(e) }

// silenceChoices are the durations the page offers (a phone has no keyboard
// for "2h30m").
var silenceChoices = map[string]time.Duration{"1h": time.Hour, "4h": 4 * time.Hour, "12h": 12 * time.Hour, "24h": 24 * time.Hour}

func (a *MobileAPI) silence(ctx context.Context, inc Incident, actor, choice, reason string) (string, error) {
	d, ok := silenceChoices[choice]
	switch {
	case a.opts.Silences == nil:
		return "", userError("本系统未启用静默")
	case !ok:
		return "", userError("请选择静默时长")
	case reason == "":
		return "", userError("静默原因必填")
	case !inc.Open():
		return "", ErrNotOpen
	}
	ms, err := ParseMatchers(SilenceMatchers(inc))
	if err != nil {
		return "", err
	}
	now := a.opts.Now()
	s, err := a.opts.Silences.Create(ctx, Silence{Matchers: ms, StartsAt: now, EndsAt: now.Add(d),
		CreatedBy: actor, Comment: reason})
	if err != nil {
		return "", err
	}
	detail := "静默" + choice + "：" + reason + "（" + s.ID + "）"
	return detail, a.store.Note(ctx, inc.ID, "silenced", actor, detail)
}

func (a *MobileAPI) handover(ctx context.Context, inc Incident, link Link, actor, to, reason string) error {
	switch {
	case a.opts.Notifier == nil:
		return userError("本系统未配置值班表")
	case to == "" || to == link.Person:
		return userError("请选择转派给谁")
	}
	_, err := a.opts.Notifier.Handover(ctx, inc.ID, to, actor, reason)
	if err != nil && !errors.Is(err, ErrNotOpen) && !errors.Is(err, ErrNoIncident) {
		return userError("转派失败：" + err.Error())
	}
	return err
}

func (a *MobileAPI) resolve(ctx context.Context, inc Incident, actor, reason string) error {
	switch {
	case !inc.Open():
		return ErrNotOpen
	case reason == "":
		return userError("请说明如何确认已恢复")
	case a.opts.Resolvable == nil || !a.opts.Resolvable(inc.toAlert()) || a.opts.Release == nil ||
		!a.opts.Release(ctx, inc.toAlert()):
		return userError("此事件会在设备恢复后自动关闭，不能人工标记")
	}
	_, err := a.store.ResolveByHand(ctx, inc.ID, actor, reason)
	return err
}

// incident verifies the link and reads its incident, answering the phone
// itself when it cannot.
func (a *MobileAPI) incident(w http.ResponseWriter, r *http.Request) (Link, Incident, bool) {
	link, err := a.links.VerifyLink(r.PathValue("token"))
	if err != nil {
		renderError(w, http.StatusForbidden, "链接无效或已过期，请登录系统处理")
		return Link{}, Incident{}, false
	}
	inc, err := a.store.Get(r.Context(), link.Incident)
	if err != nil {
		renderError(w, http.StatusNotFound, "事件不存在")
		return Link{}, Incident{}, false
	}
	return link, inc, true
}

// actorOf is who the timeline and the audit trail name: the link's person,
// or the name typed on a group link (at most 32 characters, printable),
// marked as coming from a message link.
func actorOf(link Link, typed string) string {
	name := link.Person
	if name == "" {
		name = clip(typed, 32)
	}
	if name == "" {
		return "消息链接"
	}
	return name + "（消息链接）"
}

// clip drops control characters, trims and bounds a form value.
func clip(s string, runes int) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, s))
	for utf8.RuneCountInString(s) > runes {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

func actionWord(do string) string {
	switch do {
	case "ack":
		return "确认"
	case "note":
		return "处置记录"
	case "silence":
		return "静默"
	case "handover":
		return "转派"
	case "resolve":
		return "标记已恢复"
	}
	return "未知操作"
}
