// Package voice owns the voice-call channel (语音电话) for the escalation's
// last steps: one call per paged person, a short Chinese text spoken by the
// gateway (Speech), and the gateway's call report — answered or not, keys
// pressed — received back by Receiver.
//
// Three provider templates (Config.Provider):
//
//   - aliyun: 阿里云语音服务 SingleCallByTts (dyvmsapi.aliyuncs.com, RPC style,
//     signature v1 HMAC-SHA1). OutId carries the person's signed call
//     reference; the call report (VoiceReport, HTTP batch push) echoes it as
//     out_id.
//   - tencent: 腾讯云语音消息 SendTtsVoice (vms.tencentcloudapi.com, API 3.0,
//     TC3-HMAC-SHA256). SessionContext carries the reference, but Tencent's
//     status callbacks (voiceprompt_callback, voicekey_callback,
//     voice_failure_callback) carry only the callid, so the Sender remembers
//     callid → reference for a day: a report of a call placed before a
//     restart cannot be matched and is counted as unknown_call.
//   - generic: any HTTP gateway described in configuration like the SMS
//     channel (method, URL, secret headers, a body template over .Phone .Text
//     .Call .ID) and a report format of JSON paths.
//
// Wiring: New(cfg, client, log) gives the channels.Sender; the same Sender's
// Receiver(onReport) gives the http.Handler for POST /hooks/voice/{receiver}
// (it must be the same Sender, since Tencent's reports are matched through
// the callids it placed). The handler authenticates the gateway by a shared
// token (Config.Callback), bounds the body to 64 KiB, parses one or many
// reports, calls onReport for each and answers in the provider's format:
// 401 bad token, 400 garbage, 413 too large, 403 when onReport refuses a
// reference (an error wrapping ErrRefused: the provider must not retry), 500
// when onReport fails otherwise (the provider retries the whole batch, so
// onReport must be idempotent). Everything is counted as swanwatch_voice_*.
//
// A receiver's configuration, e.g. for 阿里云 (secrets from files):
//
//	voice:
//	  provider: aliyun
//	  access_key_id_file: secrets/aliyun-ak-id
//	  access_key_secret_file: secrets/aliyun-ak-secret
//	  tts_code: TTS_278815123           # template "${text}"
//	  called_show_number: "03982345678" # empty: public mode
//	  play_times: 2
//	  callback: {token_file: secrets/voice-hook}  # report URL …/hooks/voice/duty?token=…
//
// Aliyun and Tencent cap a template variable's length; where the approved
// template has several variables, tts_params (aliyun) or template_params
// (tencent) fill them with severity, place, what or incident instead.
package voice

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
)

// Channel names the channel in metrics and errors.
const Channel = "voice"

// The provider templates.
const (
	Aliyun  = "aliyun"
	Tencent = "tencent"
	Generic = "generic"
)

// Default endpoints of the providers; Config.BaseURL overrides them (tests,
// a forward proxy).
const (
	AliyunURL  = "https://dyvmsapi.aliyuncs.com/"
	TencentURL = "https://vms.tencentcloudapi.com/"
)

// MaxCallRef bounds Recipient.Call: the gateways echo a short reference.
const MaxCallRef = 256

// Config is one voice gateway.
type Config struct {
	Provider string `yaml:"provider"` // aliyun, tencent or generic
	BaseURL  string `yaml:"base_url"` // overrides the provider's endpoint

	// Credentials of aliyun (AccessKey) and tencent (SecretId/SecretKey).
	AccessKeyID     secret.Secret `yaml:"access_key_id"`
	AccessKeySecret secret.Secret `yaml:"access_key_secret"`

	// aliyun: the TTS template (TtsCode), the shown number (empty: public
	// mode) and which of the page's fields fill which template variable:
	// variable → text, severity, place, what or incident. Default {text: text}.
	TtsCode          string            `yaml:"tts_code"`
	CalledShowNumber string            `yaml:"called_show_number"`
	TtsParams        map[string]string `yaml:"tts_params"`

	// tencent: the application, the template and its parameters in order
	// (fields as above, default [text]), and the API region.
	VoiceSdkAppid  string   `yaml:"voice_sdk_appid"`
	TemplateID     string   `yaml:"template_id"`
	TemplateParams []string `yaml:"template_params"`
	Region         string   `yaml:"region"` // default ap-guangzhou

	PlayTimes int           `yaml:"play_times"` // 1–3; 0 leaves the provider's default
	Timeout   time.Duration `yaml:"timeout"`    // per request, default 10s

	Generic  GenericConfig  `yaml:"generic"`
	Callback CallbackConfig `yaml:"callback"`
}

// CallbackConfig authenticates the gateway's call reports. The providers'
// consoles take a URL only, so the token rides in its query by default.
type CallbackConfig struct {
	Token       secret.Secret `yaml:"token"`        // token_file; required for Receiver
	TokenParam  string        `yaml:"token_param"`  // query parameter, default "token"
	TokenHeader string        `yaml:"token_header"` // read the token from this header instead
}

// fields a template may use.
var fieldNames = []string{"text", "severity", "place", "what", "incident"}

// Sender places voice calls through one gateway.
type Sender struct {
	cfg     Config
	base    *url.URL
	shown   string   // the endpoint as errors show it
	secrets []string // scrubbed from anything an error quotes
	generic *generic // parsed templates of the generic provider
	client  *http.Client
	log     *slog.Logger
	now     func() time.Time
	calls   *callBook // provider call id → call reference

	mu   sync.Mutex
	done map[string]map[string]bool // notification ID → phones already called
}

var _ channels.Sender = (*Sender)(nil)

// New checks cfg and returns a Sender; a nil client is http.DefaultClient
// (each request is bounded by Config.Timeout), a nil logger discards.
func New(cfg Config, client *http.Client, log *slog.Logger) (*Sender, error) {
	if err := cfg.defaults(); err != nil {
		return nil, fmt.Errorf("voice: %w", err)
	}
	raw := cfg.BaseURL
	if cfg.Provider == Generic {
		raw = cfg.Generic.URL
	}
	ep, err := httpsend.NewEndpoint(Channel, cfg.Provider+" address", raw, client, log)
	if err != nil {
		return nil, err
	}
	s := &Sender{cfg: cfg, base: ep.URL, client: ep.Client, log: ep.Log, now: time.Now,
		calls: newCallBook(callMemory, maxCalls), done: map[string]map[string]bool{}}
	s.shown = redact(ep.URL)
	s.secrets = s.secretsOf()
	if cfg.Provider == Generic {
		if s.generic, err = newGeneric(cfg.Generic); err != nil {
			return nil, fmt.Errorf("voice: generic: %w", err)
		}
	}
	return s, nil
}

// defaults fills zero fields and rejects what cannot work; errors name the
// field, never a value.
func (c *Config) defaults() error {
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.PlayTimes < 0 || c.PlayTimes > 3 {
		return errors.New("play_times: want 1 to 3 (0: the provider's default)")
	}
	if c.Callback.TokenParam == "" {
		c.Callback.TokenParam = "token"
	}
	switch c.Provider {
	case Aliyun:
		return c.aliyunDefaults()
	case Tencent:
		return c.tencentDefaults()
	case Generic:
		return c.Generic.defaults()
	}
	return fmt.Errorf("provider %q: want aliyun, tencent or generic", c.Provider)
}

func (c *Config) aliyunDefaults() error {
	if c.BaseURL == "" {
		c.BaseURL = AliyunURL
	}
	if len(c.TtsParams) == 0 {
		c.TtsParams = map[string]string{"text": "text"}
	}
	for _, f := range c.TtsParams {
		if !knownField(f) {
			return fmt.Errorf("tts_params: field %q: want one of %s", f, strings.Join(fieldNames, ", "))
		}
	}
	return c.need(map[string]string{"access_key_id": c.AccessKeyID.Reveal(),
		"access_key_secret": c.AccessKeySecret.Reveal(), "tts_code": c.TtsCode})
}

func (c *Config) tencentDefaults() error {
	if c.BaseURL == "" {
		c.BaseURL = TencentURL
	}
	if c.Region == "" {
		c.Region = "ap-guangzhou"
	}
	if len(c.TemplateParams) == 0 {
		c.TemplateParams = []string{"text"}
	}
	for _, f := range c.TemplateParams {
		if !knownField(f) {
			return fmt.Errorf("template_params: field %q: want one of %s", f, strings.Join(fieldNames, ", "))
		}
	}
	return c.need(map[string]string{"access_key_id": c.AccessKeyID.Reveal(),
		"access_key_secret": c.AccessKeySecret.Reveal(), "template_id": c.TemplateID,
		"voice_sdk_appid": c.VoiceSdkAppid})
}

// need reports the first required field that is empty, in a stable order.
func (c *Config) need(fields map[string]string) error {
	var missing []string
	for name, v := range fields {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("provider %s needs %s", c.Provider, strings.Join(missing, ", "))
}

func knownField(f string) bool {
	for _, n := range fieldNames {
		if f == n {
			return true
		}
	}
	return false
}

// redact names the endpoint without user info or query.
func redact(u *url.URL) string {
	r := *u
	r.User, r.RawQuery, r.Fragment = nil, "", ""
	return r.String()
}

func (s *Sender) secretsOf() []string {
	out := []string{s.cfg.AccessKeyID.Reveal(), s.cfg.AccessKeySecret.Reveal(), s.cfg.Callback.Token.Reveal()}
	for _, v := range s.cfg.Generic.Headers {
		out = append(out, v.Reveal())
	}
	for _, vs := range s.base.Query() {
		out = append(out, vs...)
	}
	if p, ok := s.base.User.Password(); ok {
		out = append(out, p)
	}
	return out
}

// detail quotes provider text in an error: secrets scrubbed, short.
func (s *Sender) detail(t string) string {
	var keep []string
	for _, sec := range s.secrets {
		if len(sec) >= 4 {
			keep = append(keep, sec)
		}
	}
	return httpsend.Detail(t, keep...)
}
