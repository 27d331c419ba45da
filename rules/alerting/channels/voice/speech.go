package voice

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// MaxSpeechRunes bounds the spoken text: a person woken at night hears one
// sentence; the providers' templates cap a variable's length too.
const MaxSpeechRunes = 60

// The fixed parts of the sentence, e.g. "紧急告警：湖滨区 乡镇链路中断，请按1确认。".
const (
	speechHead = "告警："
	speechTail = "，请按1确认。"
)

// Speech is the text spoken to each person: severity, place, what, and the
// key that acknowledges, at most MaxSpeechRunes runes. Brackets, links and
// symbols a TTS engine would spell out are dropped.
func Speech(n notice.Notification) string {
	head := n.Severity.Name() + speechHead
	tail := speechTail
	if n.Resolved {
		head, tail = "已恢复：", "。"
	}
	body := speakable(subject(n))
	room := MaxSpeechRunes - runes(head) - runes(tail)
	if r := []rune(body); len(r) > room {
		body = strings.TrimSpace(string(r[:room]))
	}
	return head + body + tail
}

// subject is the page's place and what: the title without its 【级别】 mark,
// or, without a title, the first alert's district and summary.
func subject(n notice.Notification) string {
	if t := stripMark(n.Title); t != "" {
		return t
	}
	place, what := placeWhat(n)
	return strings.TrimSpace(place + " " + what)
}

// placeWhat reads the first alert's labels: district (and site), and the
// summary or, lacking one, the alert name.
func placeWhat(n notice.Notification) (place, what string) {
	if len(n.Alerts) == 0 {
		return "", stripMark(n.Title)
	}
	a := n.Alerts[0]
	place = strings.TrimSpace(a.Labels["district"] + " " + a.Labels["site"])
	what = a.Annotations["summary"]
	if what == "" {
		what = a.Labels["alertname"]
	}
	return place, what
}

// stripMark drops a leading 【…】 (the severity the head already says).
func stripMark(t string) string {
	t = strings.TrimSpace(t)
	if rest, ok := strings.CutPrefix(t, "【"); ok {
		if _, after, found := strings.Cut(rest, "】"); found {
			t = after
		}
	}
	return strings.TrimSpace(t)
}

// speakable keeps letters, digits, CJK punctuation and single spaces; a URL
// is dropped whole.
func speakable(s string) string {
	var b strings.Builder
	for _, word := range strings.Fields(s) {
		if strings.Contains(word, "://") {
			continue
		}
		w := strings.Map(func(r rune) rune {
			switch {
			case unicode.IsLetter(r), unicode.IsDigit(r), strings.ContainsRune("，。、：；（）-.%", r):
				return r
			}
			return -1
		}, word)
		if w == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

func runes(s string) int { return len([]rune(s)) }

// fields are the values a provider template may use, by name (fieldNames).
func fields(n notice.Notification, text string) map[string]string {
	place, what := placeWhat(n)
	if place == "" && what == "" {
		what = stripMark(n.Title)
	}
	inc := ""
	if n.IncidentID != 0 {
		inc = strconv.FormatInt(n.IncidentID, 10)
	}
	return map[string]string{"text": text, "severity": n.Severity.Name(),
		"place": speakable(place), "what": speakable(what), "incident": inc}
}
