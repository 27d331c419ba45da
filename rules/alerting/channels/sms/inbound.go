package sms

// The gateway's upstream callback (上行短信回调): when a paged person answers
// an SMS, the gateway POSTs the reply to us. NewInbound returns the handler;
// the caller maps the phone to the roster and turns the content into 确认
// (ParseAck) or a 处置记录 note (docs/oncall.md, "What the phone does to the
// escalation").
//
// Followed, for the two providers' bodies and replies:
//   - 阿里云短信 "SmsUp（HTTP 批量推送）" / "上行短信消息": a JSON array of
//     {phone_number, send_time, content, sign_name, dest_code, sequence_id};
//     sequence_id is a Number in the older page and a String in the newer one,
//     send_time is "2017-09-01 00:00:00" China time. Reply {"code":0,...}
//     with HTTP 200; any other status makes it push again (1, 5, 10 min).
//   - 腾讯云短信 "短信回复" callback: one JSON object {extend, mobile,
//     nationcode, sign, text, time}, time in Unix seconds; reply
//     {"result":0,"errmsg":"OK"}.
// Neither provider signs its callback or lets us add a header, so for them the
// token travels in the callback URL's query (token_query).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

// Callback formats.
const (
	FormatAliyun  = "aliyun"
	FormatTencent = "tencent"
	FormatGeneric = "generic"
)

// DefaultTokenHeader carries the token unless token_query is set.
const DefaultTokenHeader = "X-SwanWatch-Token"

const (
	maxInboundBody  = 64 << 10 // a batch of replies is a few KiB
	maxReplyRunes   = 200      // a reply is "1" or a short note
	dedupeWindow    = 1000     // replies remembered against gateway retries
	minTokenLength  = 16       // the callback acknowledges incidents: not guessable
	defaultPhoneKey = "phone"
	defaultTextKey  = "content"
)

// ErrUnknownSender is what onReply wraps when the phone is not on the roster:
// the handler still answers 200 (a retry would not change it) and counts it.
var ErrUnknownSender = errors.New("the phone is not on the roster")

// Reply is one person's answer, normalised.
type Reply struct {
	Phone   string    // an 11-digit mainland mobile without +86; other countries keep "+<code>"
	Content string    // trimmed, full-width digits made ASCII, at most 200 runes
	At      time.Time // the gateway's time; the time of receipt when it sent none we can read
	ID      string    // aliyun sequence_id or the generic id_field; "" for tencent
}

// InboundConfig describes the callback of one gateway.
type InboundConfig struct {
	Format string `yaml:"format"` // aliyun, tencent or generic
	// Token is the shared secret the gateway must present (or token_file).
	Token       secret.Secret `yaml:"token"`
	TokenHeader string        `yaml:"token_header"` // default X-SwanWatch-Token
	TokenQuery  string        `yaml:"token_query"`  // instead of the header: ?<token_query>=<token>

	// The generic format only: the body's encoding (json, the default, or
	// form) and where each value is; in JSON a dotted path like the sender's
	// success_field ("data.from"), in a form the parameter name.
	Encoding     string `yaml:"encoding"`
	PhoneField   string `yaml:"phone_field"`   // default phone
	ContentField string `yaml:"content_field"` // default content
	TimeField    string `yaml:"time_field"`    // Unix s/ms, "2006-01-02 15:04:05" (China time) or RFC 3339
	IDField      string `yaml:"id_field"`      // the gateway's message id; time_field or id_field is required
}

// WithDefaults fills the zero fields.
func (c InboundConfig) WithDefaults() InboundConfig {
	c.Format = strings.ToLower(strings.TrimSpace(c.Format))
	if c.TokenHeader == "" && c.TokenQuery == "" {
		c.TokenHeader = DefaultTokenHeader
	}
	if c.Format == FormatGeneric {
		c.Encoding = strings.ToLower(c.Encoding)
		setEmpty(&c.Encoding, JSON)
		setEmpty(&c.PhoneField, defaultPhoneKey)
		setEmpty(&c.ContentField, defaultTextKey)
	}
	return c
}

func setEmpty(v *string, def string) {
	if *v == "" {
		*v = def
	}
}

// Validate reports what cannot work; call it on WithDefaults' result. It
// never quotes the token.
func (c InboundConfig) Validate() error {
	switch {
	case c.Format != FormatAliyun && c.Format != FormatTencent && c.Format != FormatGeneric:
		return fmt.Errorf("format %q: want aliyun, tencent or generic", c.Format)
	case !c.Token.IsSet():
		return errors.New("token (or token_file) is required: the callback acknowledges incidents")
	case len(c.Token.Reveal()) < minTokenLength:
		return fmt.Errorf("token: at least %d characters (e.g. openssl rand -hex 16)", minTokenLength)
	case c.TokenHeader != "" && c.TokenQuery != "":
		return errors.New("set token_header or token_query, not both")
	case strings.ContainsAny(c.TokenHeader+c.TokenQuery, " :\t\r\n"):
		return errors.New("token_header / token_query: a plain name without spaces or colons")
	}
	if c.Format != FormatGeneric {
		if c.Encoding+c.PhoneField+c.ContentField+c.TimeField+c.IDField != "" {
			return fmt.Errorf("encoding and *_field are for format generic, not %s", c.Format)
		}
		return nil
	}
	switch {
	case c.Encoding != Form && c.Encoding != JSON:
		return fmt.Errorf("encoding %q: want form or json", c.Encoding)
	case c.TimeField == "" && c.IDField == "":
		return errors.New("generic: set id_field or time_field, or a gateway retry would act twice")
	}
	return nil
}

// inbound is the callback handler of one gateway.
type inbound struct {
	cfg     InboundConfig
	token   [sha256.Size]byte // compared by hash: constant time, length hidden
	parse   func([]byte) ([]raw, error)
	onReply func(context.Context, Reply) error
	log     *slog.Logger
	seen    *dedupe
	now     func() time.Time
}

// NewInbound validates cfg and returns the callback handler. onReply is
// called for each reply in the order the gateway sent them; an error wrapping
// ErrUnknownSender is answered 200, any other error 500 so the gateway pushes
// again (replies already handled are then skipped as duplicates).
func NewInbound(cfg InboundConfig, onReply func(context.Context, Reply) error, log *slog.Logger) (http.Handler, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sms inbound: %w", err)
	}
	if onReply == nil {
		return nil, errors.New("sms inbound: onReply is required")
	}
	if log == nil {
		log = slog.Default()
	}
	h := &inbound{cfg: cfg, token: sha256.Sum256([]byte(cfg.Token.Reveal())), parse: parserFor(cfg),
		onReply: onReply, log: log, seen: newDedupe(dedupeWindow), now: time.Now}
	if cfg.Format != FormatGeneric && cfg.TokenQuery == "" {
		log.Warn("sms inbound: " + cfg.Format + " cannot send a header; set token_query and put ?<name>=<token> in the callback URL, or every callback is refused")
	}
	return h, nil
}

func parserFor(cfg InboundConfig) func([]byte) ([]raw, error) {
	switch {
	case cfg.Format == FormatAliyun:
		return parseAliyun
	case cfg.Format == FormatTencent:
		return parseTencent
	case cfg.Encoding == Form:
		return genericForm(cfg)
	}
	return genericJSON(cfg)
}

func (h *inbound) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.refuse(w, http.StatusMethodNotAllowed, "bad_method", "POST only")
		return
	}
	if !h.authorised(r) {
		h.refuse(w, http.StatusUnauthorized, "bad_token", "missing or wrong token")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInboundBody))
	if err != nil {
		if mb := (*http.MaxBytesError)(nil); errors.As(err, &mb) {
			h.refuse(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body over %d bytes", maxInboundBody))
			return
		}
		h.refuse(w, http.StatusBadRequest, "garbage", "cannot read the body")
		return
	}
	replies, err := h.replies(body)
	if err != nil {
		h.log.Warn("sms inbound: refused a callback body", "format", h.cfg.Format, "bytes", len(body), "err", err)
		h.refuse(w, http.StatusBadRequest, "garbage", err.Error())
		return
	}
	for _, in := range replies {
		if status := h.handle(r.Context(), in); status != http.StatusOK {
			h.refuse(w, status, "", "try again later")
			return
		}
	}
	h.ok(w)
}

// authorised compares the presented token with ours in constant time.
func (h *inbound) authorised(r *http.Request) bool {
	got := r.Header.Get(h.cfg.TokenHeader)
	if h.cfg.TokenQuery != "" {
		got = r.URL.Query().Get(h.cfg.TokenQuery)
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], h.token[:]) == 1
}

// incoming is a parsed reply and the key a retry of it would have.
type incoming struct {
	Reply
	key string
}

// replies parses and normalises body; a reply without a usable phone is
// skipped and counted, a body without any usable reply is an error.
func (h *inbound) replies(body []byte) ([]incoming, error) {
	raws, err := h.parse(body)
	if err != nil {
		return nil, err
	}
	out := make([]incoming, 0, len(raws))
	for _, rw := range raws {
		if in, ok := rw.normalise(h.now()); ok {
			out = append(out, in)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no reply with a phone number among %d", len(raws))
	}
	for range len(raws) - len(out) {
		countInbound("invalid")
	}
	return out, nil
}

// handle gives one reply to onReply unless a retry already did; it returns
// the HTTP status the callback should end with.
func (h *inbound) handle(ctx context.Context, in incoming) (status int) {
	seq, state := h.seen.claim(in.key)
	switch state {
	case handled:
		countInbound("duplicate")
		h.log.Debug("sms inbound: duplicate reply skipped", "phone", maskPhone(in.Phone), "id", in.ID)
		return http.StatusOK
	case inFlight: // the gateway gave up waiting and pushed again: let the first finish
		countInbound("busy")
		return http.StatusServiceUnavailable
	}
	settled := false
	defer func() {
		if !settled { // onReply panicked: let the next push try again
			h.seen.release(in.key, seq)
		}
	}()
	err := h.onReply(ctx, in.Reply)
	settled = true
	switch {
	case err == nil:
		h.seen.done(in.key, seq)
		countInbound("ok")
		h.log.Info("sms inbound: reply", "phone", maskPhone(in.Phone), "id", in.ID, "at", in.At)
		h.log.Debug("sms inbound: reply content", "phone", maskPhone(in.Phone), "content", in.Content)
	case errors.Is(err, ErrUnknownSender):
		h.seen.done(in.key, seq)
		countInbound("unknown_sender")
		h.log.Warn("sms inbound: reply from a phone not on the roster", "phone", maskPhone(in.Phone), "id", in.ID)
	default:
		h.seen.release(in.key, seq)
		countInbound("failed")
		h.log.Error("sms inbound: handling a reply failed; the gateway will push it again",
			"phone", maskPhone(in.Phone), "id", in.ID, "err", err)
		return http.StatusInternalServerError
	}
	return http.StatusOK
}

// ok answers in the form the provider checks.
func (h *inbound) ok(w http.ResponseWriter) {
	switch h.cfg.Format {
	case FormatAliyun:
		writeJSON(w, http.StatusOK, map[string]any{"code": 0, "msg": "成功"})
	case FormatTencent:
		writeJSON(w, http.StatusOK, map[string]any{"result": 0, "errmsg": "OK"})
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok")
	}
}

// refuse answers a non-200 status in the provider's shape, counting it under
// result when one is given (handle counted the others already).
func (h *inbound) refuse(w http.ResponseWriter, status int, result, msg string) {
	if result != "" {
		countInbound(result)
	}
	switch h.cfg.Format {
	case FormatAliyun:
		writeJSON(w, status, map[string]any{"code": status, "msg": msg})
	case FormatTencent:
		writeJSON(w, status, map[string]any{"result": status, "errmsg": msg})
	default:
		http.Error(w, msg, status)
	}
}

func writeJSON(w http.ResponseWriter, status int, v map[string]any) {
	b, _ := json.Marshal(v) // maps of ints and strings always marshal
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// countInbound counts callbacks and replies by result, a fixed set: ok,
// duplicate, unknown_sender, failed, busy, invalid (per reply); bad_method,
// bad_token, too_large, garbage (per request).
func countInbound(result string) {
	metrics.GetOrCreateCounter(`swanwatch_sms_inbound_total{result="` + result + `"}`).Inc()
}

// maskPhone keeps the first 3 and last 4 digits (138****0000), as the wall does.
func maskPhone(p string) string {
	r := []rune(p)
	if len(r) < 8 {
		return "****"
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

// replyState is what the dedupe window knows of a reply's key.
type replyState int

const (
	fresh replyState = iota
	inFlight
	handled
)

// dedupe remembers the keys of the last n replies, so a gateway's retry of a
// callback we answered (or answered too late) does not act twice.
type dedupe struct {
	mu   sync.Mutex
	seq  uint64
	keys map[string]dedupeEntry
	ring []ringSlot // oldest is evicted first
	next int
}

type dedupeEntry struct {
	seq  uint64
	done bool
}

type ringSlot struct {
	key string
	seq uint64
}

func newDedupe(n int) *dedupe {
	return &dedupe{keys: make(map[string]dedupeEntry, n), ring: make([]ringSlot, n)}
}

// claim reserves key for the caller, or says why not.
func (d *dedupe) claim(key string) (uint64, replyState) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.keys[key]; ok {
		if e.done {
			return 0, handled
		}
		return 0, inFlight
	}
	d.seq++
	if old := d.ring[d.next]; old.seq != 0 && d.keys[old.key].seq == old.seq {
		delete(d.keys, old.key)
	}
	d.ring[d.next] = ringSlot{key, d.seq}
	d.next = (d.next + 1) % len(d.ring)
	d.keys[key] = dedupeEntry{seq: d.seq}
	return d.seq, fresh
}

// release forgets a claim whose reply was not handled, so the retry handles it.
func (d *dedupe) release(key string, seq uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.keys[key].seq == seq {
		delete(d.keys, key)
	}
}

// done marks a claimed key handled.
func (d *dedupe) done(key string, seq uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.keys[key]; ok && e.seq == seq {
		d.keys[key] = dedupeEntry{seq: seq, done: true}
	}
}

// raw is one reply as the gateway wrote it.
type raw struct {
	phone, content, time, id string
}

// normalise makes rw a Reply and its dedupe key; ok is false without a phone.
func (rw raw) normalise(now time.Time) (incoming, bool) {
	phone := normalisePhone(rw.phone)
	if !channels.IsPhone(phone) {
		return incoming{}, false
	}
	in := incoming{Reply: Reply{Phone: phone, Content: normaliseContent(rw.content),
		At: parseTime(rw.time, now), ID: strings.TrimSpace(rw.id)}}
	in.key = "id\x00" + in.ID
	if in.ID == "" {
		in.key = "msg\x00" + phone + "\x00" + strings.TrimSpace(rw.time) + "\x00" + in.Content
	}
	return in, true
}

// text is a JSON scalar read as text: the providers' pages disagree on
// whether sequence_id and time are strings or numbers.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		*t = text(x)
	case json.Number:
		*t = text(x.String())
	case nil:
		*t = ""
	default:
		return errors.New("want a string or a number")
	}
	return nil
}

// aliyunUp is one element of 阿里云 SmsUp (sign_name and dest_code unused).
type aliyunUp struct {
	Phone    text `json:"phone_number"`
	SendTime text `json:"send_time"`
	Content  text `json:"content"`
	Sequence text `json:"sequence_id"`
}

// parseAliyun reads the JSON array aliyun pushes (one object is taken too).
func parseAliyun(body []byte) ([]raw, error) {
	var ups []aliyunUp
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		ups = make([]aliyunUp, 1)
		if err := json.Unmarshal(trimmed, &ups[0]); err != nil {
			return nil, fmt.Errorf("aliyun SmsUp: not JSON: %w", err)
		}
	} else if err := json.Unmarshal(trimmed, &ups); err != nil {
		return nil, fmt.Errorf("aliyun SmsUp: want a JSON array: %w", err)
	}
	out := make([]raw, 0, len(ups))
	for _, u := range ups {
		out = append(out, raw{phone: string(u.Phone), content: string(u.Content), time: string(u.SendTime), id: string(u.Sequence)})
	}
	return out, nil
}

// tencentReply is the 腾讯云 短信回复 callback body (sign and extend unused).
type tencentReply struct {
	Mobile     text `json:"mobile"`
	NationCode text `json:"nationcode"`
	Text       text `json:"text"`
	Time       text `json:"time"`
}

func parseTencent(body []byte) ([]raw, error) {
	var t tencentReply
	if err := json.Unmarshal(body, &t); err != nil {
		return nil, fmt.Errorf("tencent reply: want a JSON object: %w", err)
	}
	phone := strings.TrimSpace(string(t.Mobile))
	if cc := strings.TrimLeft(strings.TrimSpace(string(t.NationCode)), "+"); cc != "" && !strings.HasPrefix(phone, "+") {
		phone = "+" + cc + phone
	}
	return []raw{{phone: phone, content: string(t.Text), time: string(t.Time)}}, nil
}

// genericJSON reads one reply at the configured dotted paths.
func genericJSON(cfg InboundConfig) func([]byte) ([]raw, error) {
	return func(body []byte) ([]raw, error) {
		if !json.Valid(body) {
			return nil, errors.New("generic: the body is not JSON")
		}
		var rw raw
		var err error
		if rw.phone, err = field(body, cfg.PhoneField); err != nil {
			return nil, fmt.Errorf("generic: %w", err)
		}
		if rw.content, err = field(body, cfg.ContentField); err != nil {
			return nil, fmt.Errorf("generic: %w", err)
		}
		rw.time = optionalField(body, cfg.TimeField)
		rw.id = optionalField(body, cfg.IDField)
		return []raw{rw}, nil
	}
}

// optionalField is "" when the path is unset, absent or null.
func optionalField(body []byte, path string) string {
	if path == "" {
		return ""
	}
	v, err := field(body, path)
	if err != nil || v == "null" {
		return ""
	}
	return v
}

// genericForm reads one reply from a form body by parameter name.
func genericForm(cfg InboundConfig) func([]byte) ([]raw, error) {
	return func(body []byte) ([]raw, error) {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("generic: not a form: %w", err)
		}
		for _, k := range []string{cfg.PhoneField, cfg.ContentField} {
			if !q.Has(k) {
				return nil, fmt.Errorf("generic: no parameter %q", k)
			}
		}
		rw := raw{phone: q.Get(cfg.PhoneField), content: q.Get(cfg.ContentField)}
		if cfg.TimeField != "" {
			rw.time = q.Get(cfg.TimeField)
		}
		if cfg.IDField != "" {
			rw.id = q.Get(cfg.IDField)
		}
		return []raw{rw}, nil
	}
}

// chinaTime is the zone of gateways' wall-clock times (fixed: no tzdata needed).
var chinaTime = time.FixedZone("CST", 8*60*60)

var timeLayouts = []string{time.RFC3339, time.DateTime, "2006-01-02T15:04:05", "2006/01/02 15:04:05"}

// parseTime reads a gateway time: Unix seconds or milliseconds,
// 20060102150405, or one of timeLayouts in China time; anything else is the
// time of receipt (a reply must not be lost for a date format).
func parseTime(s string, now time.Time) time.Time {
	s = strings.TrimSpace(s)
	if s != "" && strings.Trim(s, "0123456789") == "" {
		switch n, err := strconv.ParseInt(s, 10, 64); {
		case len(s) == 14:
			if t, err := time.ParseInLocation("20060102150405", s, chinaTime); err == nil {
				return t
			}
		case err != nil || len(s) > 14:
		case len(s) == 13:
			return time.UnixMilli(n)
		default:
			return time.Unix(n, 0)
		}
		return now
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			return t
		}
	}
	return now
}

// normalisePhone drops separators and the +86 / 0086 / 86 country code, so
// that a gateway's number compares with the roster's 11-digit mobile.
func normalisePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == '(' || r == ')' || unicode.IsSpace(r):
			return -1
		case r == '＋':
			return '+'
		}
		return asciiDigit(r)
	}, s)
	for { // a gateway that adds +86 to a number already carrying it
		cut := stripChina(s)
		if cut == s {
			return s
		}
		s = cut
	}
}

func stripChina(s string) string {
	switch {
	case strings.HasPrefix(s, "+86"):
		return s[3:]
	case strings.HasPrefix(s, "0086"):
		return s[4:]
	case len(s) == 13 && strings.HasPrefix(s, "861"): // 86 + a mobile, never a mobile itself
		return s[2:]
	}
	return s
}

// asciiDigit maps the full-width digits ０-９ (a Chinese IME's) to 0-9.
func asciiDigit(r rune) rune {
	if r >= '０' && r <= '９' {
		return r - '０' + '0'
	}
	return r
}

// normaliseContent trims a reply, makes its digits ASCII, drops control
// characters but line breaks and tabs, and keeps at most 200 runes.
func normaliseContent(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return asciiDigit(r)
	}, strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxReplyRunes {
		s = strings.TrimRightFunc(string([]rune(s)[:maxReplyRunes]), unicode.IsSpace)
	}
	return s
}

// ParseAck reads a reply as an acknowledgement: "1" or "确认" acknowledges the
// person's latest open incident (incident 0); followed by spaces or '#' and an
// incident number ("1 123", "1#123", "１ 123", "确认 123") it acknowledges
// that incident. Anything else is not an acknowledgement (it becomes a note).
func ParseAck(content string) (ack bool, incident int64) {
	s := normaliseContent(content)
	var rest string
	switch {
	case s == "1" || s == "确认":
		return true, 0
	case strings.HasPrefix(s, "1"):
		rest = s[1:]
	case strings.HasPrefix(s, "确认"):
		rest = s[len("确认"):]
	default:
		return false, 0
	}
	num := strings.TrimLeftFunc(rest, func(r rune) bool { return r == '#' || r == '＃' || unicode.IsSpace(r) })
	if len(num) == len(rest) || len(num) > 18 || strings.Trim(num, "0123456789") != "" {
		return false, 0 // "12", "1 abc", or a number no incident has
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return false, 0
	}
	return true, n
}
