package sms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"text/template"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

// request is what the body template sees.
type request struct {
	Phones []string // this batch's numbers
	Text   string   // the whole SMS: title and text, capped at max_runes
	Title  string
	ID     string // the notification ID, for gateways that dedupe
}

// funcs help templates encode: {{json .Text}} for a JSON string,
// {{join .Phones ","}}, and text/template's own urlquery for forms.
var funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"join": strings.Join,
}

func parseBody(body string) (*template.Template, error) {
	return template.New("body").Funcs(funcs).Option("missingkey=error").Parse(body)
}

// render executes the template and checks that the result is well-formed in
// the configured content type, so a template error never reaches the gateway.
func (s *Sender) render(r request) ([]byte, error) {
	var b bytes.Buffer
	if err := s.tmpl.Execute(&b, r); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if s.cfg.ContentType == JSON && !json.Valid(b.Bytes()) {
		return nil, errors.New("rendered body is not valid JSON (use {{json .Text}})")
	}
	if s.cfg.ContentType == Form {
		if _, err := url.ParseQuery(b.String()); err != nil {
			return nil, errors.New("rendered body is not a valid form (use {{urlquery .Text}})")
		}
	}
	return b.Bytes(), nil
}

// message is the SMS text: title, newline, text, cut to max runes with "…".
func message(n notice.Notification, max int) string {
	s := strings.TrimSpace(n.Title + "\n" + n.Text)
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// phones picks the phone numbers out of the mentions: digits with an
// optional leading +, spaces and dashes dropped, 5 to 20 digits, each once.
// It returns how many mentions were not phone numbers.
func phones(mentions []string) (out []string, bad int) {
	seen := map[string]bool{}
	for _, m := range mentions {
		p := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(m))
		if !channels.IsPhone(p) {
			bad++
			continue
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, bad
}

// batches splits phones into groups of at most size.
func batches(phones []string, size int) [][]string {
	var out [][]string
	for len(phones) > size {
		out = append(out, phones[:size])
		phones = phones[size:]
	}
	return append(out, phones)
}
