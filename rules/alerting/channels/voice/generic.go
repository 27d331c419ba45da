package voice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"text/template"

	"github.com/tidwall/gjson"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

// Content types of the generic body, as in the SMS channel.
const (
	Form = "form"
	JSON = "json"
)

// GenericConfig describes a gateway by configuration: the call request (like
// the SMS channel's) and the report it posts back.
type GenericConfig struct {
	Method      string                   `yaml:"method"` // POST (default) or GET
	URL         string                   `yaml:"url"`    // query values are treated as secrets
	Headers     map[string]secret.Secret `yaml:"headers"`
	Body        string                   `yaml:"body"`         // text/template over .Phone .Text .Call .ID .Severity .Place .What .Incident
	ContentType string                   `yaml:"content_type"` // json (default) or form
	// SuccessCodes are the HTTP statuses that mean accepted; default [200].
	SuccessCodes []int `yaml:"success_codes"`
	// SuccessField is a JSON path (gjson syntax, "result.code") whose value
	// must equal SuccessValue.
	SuccessField string `yaml:"success_field"`
	SuccessValue string `yaml:"success_value"`
	// CallIDField is the path of the gateway's own call id in the reply, for
	// gateways whose reports carry that id rather than the reference.
	CallIDField string `yaml:"call_id_field"`

	Report ReportFormat `yaml:"report"`
}

// ReportFormat names where a generic gateway's report holds each value, as
// JSON paths (gjson syntax) relative to one report. A body is one report, a
// list of them, or, with Items, a list at that path.
type ReportFormat struct {
	Items          string   `yaml:"items"`
	Call           string   `yaml:"call"`            // the echoed reference
	CallID         string   `yaml:"call_id"`         // or the gateway's call id (see call_id_field)
	Answered       string   `yaml:"answered"`        // required
	AnsweredValues []string `yaml:"answered_values"` // default ["true", "1", "answered"]
	Keys           string   `yaml:"keys"`
	Status         string   `yaml:"status"`
	Time           string   `yaml:"time"`  // RFC 3339, "2006-01-02 15:04:05" (Asia/Shanghai) or Unix seconds
	Reply          string   `yaml:"reply"` // the body answered on success, default {"code":0}
}

func (g *GenericConfig) defaults() error {
	g.Method = strings.ToUpper(g.Method)
	if g.Method == "" {
		g.Method = http.MethodPost
	}
	if g.ContentType == "" {
		g.ContentType = JSON
	}
	if len(g.SuccessCodes) == 0 {
		g.SuccessCodes = []int{http.StatusOK}
	}
	r := &g.Report
	if len(r.AnsweredValues) == 0 {
		r.AnsweredValues = []string{"true", "1", "answered"}
	}
	if r.Reply == "" {
		r.Reply = `{"code":0}`
	}
	switch {
	case g.Method != http.MethodPost && g.Method != http.MethodGet:
		return fmt.Errorf("method %q: want POST or GET", g.Method)
	case g.ContentType != Form && g.ContentType != JSON:
		return fmt.Errorf("content_type %q: want form or json", g.ContentType)
	case g.Method == http.MethodGet && g.ContentType != Form:
		return errors.New("method GET needs content_type form (the body becomes the query)")
	case strings.TrimSpace(g.Body) == "":
		return errors.New("body: a template is required")
	case g.SuccessValue != "" && g.SuccessField == "":
		return errors.New("success_value needs success_field")
	case r.Call == "" && r.CallID == "":
		return errors.New("report: call or call_id: say where a report names its call")
	case r.CallID != "" && g.CallIDField == "":
		return errors.New("report.call_id needs call_id_field (where the reply names the call)")
	case r.Answered == "":
		return errors.New("report.answered: say where a report says whether the call was answered")
	}
	return nil
}

// generic is the parsed request template.
type generic struct {
	cfg  GenericConfig
	tmpl *template.Template
}

// genericData is what the body template sees.
type genericData struct {
	Phone, Text, Call, ID           string
	Severity, Place, What, Incident string
}

var funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

func newGeneric(cfg GenericConfig) (*generic, error) {
	tmpl, err := template.New("body").Funcs(funcs).Option("missingkey=error").Parse(cfg.Body)
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	g := &generic{cfg: cfg, tmpl: tmpl}
	if _, err := g.render(genericData{Phone: "13800000000", Text: "测试", Call: "c", ID: "x"}); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	return g, nil
}

// render executes the template and checks the result is well-formed in the
// configured content type, so a template error never reaches the gateway.
func (g *generic) render(d genericData) ([]byte, error) {
	var b bytes.Buffer
	if err := g.tmpl.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if g.cfg.ContentType == JSON && !json.Valid(b.Bytes()) {
		return nil, errors.New("rendered body is not valid JSON (use {{json .Text}})")
	}
	if g.cfg.ContentType == Form {
		if _, err := url.ParseQuery(b.String()); err != nil {
			return nil, errors.New("rendered body is not a valid form (use {{urlquery .Text}})")
		}
	}
	return b.Bytes(), nil
}

func (s *Sender) genericCall(ctx context.Context, c call) error {
	g := s.generic
	body, err := g.render(genericData{Phone: c.Phone, Text: c.Text, Call: c.Call, ID: c.ID,
		Severity: c.Fields["severity"], Place: c.Fields["place"], What: c.Fields["what"], Incident: c.Fields["incident"]})
	if err != nil {
		httpsend.Count(Channel, "input")
		return retryable(err, false)
	}
	target, rd, ctype := g.cfg.URL, io.Reader(bytes.NewReader(body)), "application/json"
	if g.cfg.ContentType == Form {
		ctype = "application/x-www-form-urlencoded"
	}
	if g.cfg.Method == http.MethodGet {
		target, rd = withQuery(target, string(body)), nil
	}
	req, err := http.NewRequestWithContext(ctx, g.cfg.Method, target, rd)
	if err != nil {
		return retryable(fmt.Errorf("generic: build request for %s", s.shown), false)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range g.cfg.Headers {
		req.Header.Set(k, v.Reveal())
	}
	code, reply, err := s.do(req)
	if err != nil {
		return err
	}
	if err := s.genericCheck(code, reply); err != nil {
		return err
	}
	if g.cfg.CallIDField != "" && c.Call != "" {
		if id := gjson.GetBytes(reply, g.cfg.CallIDField); id.Exists() && id.String() != "" {
			s.calls.put(id.String(), c.Call)
		}
	}
	return nil
}

func withQuery(u, q string) string {
	if q == "" {
		return u
	}
	if strings.Contains(u, "?") {
		return u + "&" + q
	}
	return u + "?" + q
}

// genericCheck maps the reply like the SMS channel: an unlisted 429 or 5xx
// is retried, any other unlisted status or a wrong success field is Permanent.
func (s *Sender) genericCheck(code int, reply []byte) error {
	g := s.generic.cfg
	if !slices.Contains(g.SuccessCodes, code) {
		err := fmt.Errorf("generic: %s: http %d: %s", s.shown, code, s.detail(string(reply)))
		retry := code == http.StatusTooManyRequests || code >= 500
		if retry {
			httpsend.Count(Channel, "retryable_status")
		} else {
			httpsend.Count(Channel, "rejected")
		}
		return retryable(err, retry)
	}
	if g.SuccessField == "" {
		return nil
	}
	got := gjson.GetBytes(reply, g.SuccessField)
	if got.Exists() && got.String() == g.SuccessValue {
		return nil
	}
	httpsend.Count(Channel, "rejected")
	return retryable(fmt.Errorf("generic: %s: %s = %q, want %q: %s", s.shown, g.SuccessField,
		s.detail(got.String()), g.SuccessValue, s.detail(string(reply))), false)
}
