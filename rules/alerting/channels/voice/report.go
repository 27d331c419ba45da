package voice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

// Report is one call's outcome as the gateway reported it.
type Report struct {
	Call     string    // the person's signed reference, as Recipient.Call carried it
	Answered bool      // the person picked up (answering is not acknowledging)
	Keys     string    // keys pressed during the call ("1" = 确认), digits * # only
	Status   string    // the provider's own status code, for the timeline's detail
	At       time.Time // when the call ended or the state was reached; receipt time if unknown
}

// ErrRefused is what onReport wraps when a report names a call it does not
// accept (a forged, foreign or expired reference): the receiver answers 403
// and the provider must not retry.
var ErrRefused = errors.New("call reference refused")

// item is a parsed report before its call id is looked up.
type item struct {
	Report
	callID string // the provider's own id, when the report lacks the reference
}

// shanghai is the providers' wall-clock zone: China keeps UTC+8 without DST.
var shanghai = time.FixedZone("CST", 8*3600)

// text accepts a JSON string or number as text: the providers document
// strings but a number must not make a report garbage.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = text(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("want a string or a number")
	}
	*t = text(n)
	return nil
}

// aliyunItem is one VoiceReport (语音呼叫结果, HTTP batch push, a JSON array);
// the intermediate VoiceCallReport pushes the same names.
type aliyunItem struct {
	CallID     text `json:"call_id"`
	OutID      text `json:"out_id"`
	StatusCode text `json:"status_code"`
	StatusMsg  text `json:"status_msg"`
	DTMF       text `json:"dtmf"`
	StartTime  text `json:"start_time"`
	EndTime    text `json:"end_time"`
	StatusTime text `json:"status_time"`
	Duration   text `json:"duration"`
}

// Aliyun status codes (运营商回执错误码): 200000 the person heard it all,
// 200001 hung up early (both picked up), 300000 a key report; 2001xx are a
// call still in progress, not an outcome.
var (
	aliyunAnswered = []string{"200000", "200001", "300000"}
	aliyunOngoing  = []string{"200101", "200102", "200103"}
)

// parseAliyun reads a VoiceReport push: a JSON array of reports (a single
// object is taken as one).
func parseAliyun(body []byte, now time.Time) ([]item, error) {
	var list []aliyunItem
	if err := decodeOneOrMany(body, &list); err != nil {
		return nil, fmt.Errorf("aliyun report: %w", err)
	}
	out := make([]item, 0, len(list))
	for _, a := range list {
		code := string(a.StatusCode)
		if code == "" {
			return nil, errors.New("aliyun report: an entry has no status_code")
		}
		if slices.Contains(aliyunOngoing, code) {
			continue
		}
		dur, _ := strconv.Atoi(strings.TrimSuffix(string(a.Duration), "秒"))
		out = append(out, item{Report: Report{
			Call:     string(a.OutID),
			Answered: slices.Contains(aliyunAnswered, code) || a.DTMF != "" || dur > 0 || a.StartTime != "",
			Keys:     string(a.DTMF),
			Status:   code,
			At:       firstTime(now, string(a.EndTime), string(a.StatusTime), string(a.StartTime)),
		}, callID: string(a.CallID)})
	}
	return out, nil
}

// decodeOneOrMany decodes a JSON array into list, or a single object as a
// list of one; anything else is an error.
func decodeOneOrMany[T any](body []byte, list *[]T) error {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '{' {
		var one T
		if err := json.Unmarshal(b, &one); err != nil {
			return fmt.Errorf("not JSON: %s", shortErr(err))
		}
		*list = []T{one}
		return nil
	}
	if err := json.Unmarshal(b, list); err != nil {
		return fmt.Errorf("not a JSON array of reports: %s", shortErr(err))
	}
	return nil
}

// tencentPush is one status callback (回执 API 文档): exactly one of its
// members is set. Tencent's callbacks carry the callid, not SessionContext.
type tencentPush struct {
	Prompt  *tencentStatus `json:"voiceprompt_callback"`
	Code    *tencentStatus `json:"voicecode_callback"`
	Key     *tencentStatus `json:"voicekey_callback"`
	Failure *tencentStatus `json:"voice_failure_callback"`
}

type tencentStatus struct {
	CallID        text `json:"callid"`
	Result        text `json:"result"` // 0 answered, 1 not answered, 2 call failed
	EndCallTime   text `json:"end_calltime"`
	Keypress      text `json:"keypress"`
	FailureCode   text `json:"failure_code"`
	FailureReason text `json:"failure_reason"`
}

// parseTencent reads one callback object (a JSON array of them is taken too).
func parseTencent(body []byte, now time.Time) ([]item, error) {
	var list []tencentPush
	if err := decodeOneOrMany(body, &list); err != nil {
		return nil, fmt.Errorf("tencent report: %w", err)
	}
	out := make([]item, 0, len(list))
	for _, p := range list {
		it, err := p.item(now)
		if err != nil {
			return nil, fmt.Errorf("tencent report: %w", err)
		}
		out = append(out, it)
	}
	return out, nil
}

func (p tencentPush) item(now time.Time) (item, error) {
	switch {
	case p.Prompt != nil || p.Code != nil:
		st := p.Prompt
		if st == nil {
			st = p.Code
		}
		if st.Result == "" {
			return item{}, errors.New("a status callback has no result")
		}
		return st.item(Report{Answered: st.Result == "0", Status: string(st.Result),
			At: firstTime(now, string(st.EndCallTime))})
	case p.Key != nil:
		if p.Key.Keypress == "" {
			return item{}, errors.New("a key callback has no keypress")
		}
		return p.Key.item(Report{Answered: true, Keys: string(p.Key.Keypress), Status: "keypress", At: now})
	case p.Failure != nil:
		return p.Failure.item(Report{Status: "failure " + string(p.Failure.FailureCode), At: now})
	}
	return item{}, errors.New("no voiceprompt_callback, voicekey_callback or voice_failure_callback")
}

func (st *tencentStatus) item(r Report) (item, error) {
	if st.CallID == "" {
		return item{}, errors.New("a callback has no callid")
	}
	return item{Report: r, callID: string(st.CallID)}, nil
}

// parseGeneric reads a report by the configured JSON paths.
func parseGeneric(body []byte, f ReportFormat, now time.Time) ([]item, error) {
	if !gjson.ValidBytes(body) {
		return nil, errors.New("generic report: not JSON")
	}
	root := gjson.ParseBytes(body)
	if f.Items != "" {
		root = root.Get(f.Items)
	}
	var entries []gjson.Result
	switch {
	case root.IsArray():
		entries = root.Array()
	case root.IsObject():
		entries = []gjson.Result{root}
	default:
		return nil, errors.New("generic report: want a JSON object or a list of them")
	}
	out := make([]item, 0, len(entries))
	for _, e := range entries {
		ans := e.Get(f.Answered)
		if !ans.Exists() {
			return nil, fmt.Errorf("generic report: an entry has no %s", f.Answered)
		}
		it := item{Report: Report{Answered: answered(ans.String(), f.AnsweredValues), At: now}}
		if f.Call != "" {
			it.Call = e.Get(f.Call).String()
		}
		if f.CallID != "" {
			it.callID = e.Get(f.CallID).String()
		}
		if f.Keys != "" {
			it.Keys = e.Get(f.Keys).String()
		}
		if f.Status != "" {
			it.Status = e.Get(f.Status).String()
		}
		if f.Time != "" {
			it.At = firstTime(now, e.Get(f.Time).String())
		}
		out = append(out, it)
	}
	return out, nil
}

func answered(v string, yes []string) bool {
	return slices.ContainsFunc(yes, func(y string) bool { return strings.EqualFold(strings.TrimSpace(v), y) })
}

// firstTime is the first of values that parses: Unix seconds, RFC 3339, or
// the providers' "2006-01-02 15:04:05" in Asia/Shanghai; else now.
func firstTime(now time.Time, values ...string) time.Time {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if sec, err := strconv.ParseInt(v, 10, 64); err == nil && sec > 946684800 && sec < 32503680000 {
			return time.Unix(sec, 0)
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil && t.Year() >= 2000 && t.Year() < 3000 {
			return t
		}
		if t, err := time.ParseInLocation(time.DateTime, v, shanghai); err == nil && t.Year() >= 2000 {
			return t
		}
	}
	return now
}

// shortErr keeps a decoder's message short: it may quote the input.
func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// clean makes a report safe to hand on: keys limited to digits * #, the
// status to short printable text. It reports false for an unusable reference.
func (r *Report) clean() bool {
	r.Keys = strings.Map(func(c rune) rune {
		if (c >= '0' && c <= '9') || c == '*' || c == '#' {
			return c
		}
		return -1
	}, r.Keys)
	if len(r.Keys) > 32 {
		r.Keys = r.Keys[:32]
	}
	r.Status = strings.Map(func(c rune) rune {
		if c < 0x20 || c == 0x7f {
			return -1
		}
		return c
	}, r.Status)
	r.Status = httpsend.Truncate(r.Status, 64)
	return r.Call != "" && len(r.Call) <= MaxCallRef
}
