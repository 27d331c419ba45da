package voice

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/VictoriaMetrics/metrics"
)

// MaxReportBytes bounds a report POST: a batch of call reports is a few KiB.
const MaxReportBytes = 64 << 10

// receiver is the http.Handler Receiver returns.
type receiver struct {
	s        *Sender
	token    []byte
	onReport func(context.Context, Report) error
	log      *slog.Logger
}

// Receiver returns the handler for the gateway's call reports (POST
// /hooks/voice/{receiver}); see the package comment for its answers.
// onReport is called once per report, in order, with the request's context;
// it must verify Report.Call and wrap ErrRefused when it does not accept it.
// Receiver needs Config.Callback.Token: an open hook would let anyone move
// an escalation on.
func (s *Sender) Receiver(onReport func(context.Context, Report) error) (http.Handler, error) {
	if !s.cfg.Callback.Token.IsSet() {
		return nil, errors.New("voice: callback.token (or token_file) is required to receive call reports")
	}
	if onReport == nil {
		return nil, errors.New("voice: Receiver needs an onReport function")
	}
	return &receiver{s: s, token: []byte(s.cfg.Callback.Token.Reveal()), onReport: onReport, log: s.log}, nil
}

func (h *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	metrics.GetOrCreateCounter(`swanwatch_voice_callbacks_total{provider="` + h.s.cfg.Provider + `"}`).Inc()
	if r.Method != http.MethodPost {
		h.reject(w, http.StatusMethodNotAllowed, "method", "POST only")
		return
	}
	if !h.authorized(r) {
		h.reject(w, http.StatusUnauthorized, "auth", "bad or missing token")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxReportBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.reject(w, http.StatusRequestEntityTooLarge, "too_large", "report larger than 64 KiB")
			return
		}
		h.reject(w, http.StatusBadRequest, "garbage", "cannot read the body")
		return
	}
	items, err := h.parse(body)
	if err != nil {
		h.log.Warn("voice: call report refused", "provider", h.s.cfg.Provider, "err", err)
		h.reject(w, http.StatusBadRequest, "garbage", "not a call report")
		return
	}
	h.deliver(r.Context(), w, items)
}

// authorized compares the shared token in constant time, from the
// configured header or query parameter.
func (h *receiver) authorized(r *http.Request) bool {
	cb := h.s.cfg.Callback
	got := r.URL.Query().Get(cb.TokenParam)
	if cb.TokenHeader != "" {
		got = r.Header.Get(cb.TokenHeader)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), h.token) == 1
}

func (h *receiver) parse(body []byte) ([]item, error) {
	now := h.s.now()
	switch h.s.cfg.Provider {
	case Aliyun:
		return parseAliyun(body, now)
	case Tencent:
		return parseTencent(body, now)
	}
	return parseGeneric(body, h.s.cfg.Generic.Report, now)
}

// deliver hands each report on. A report that cannot be matched to a
// reference is counted and dropped (a retry cannot match it either); a
// refusal answers 403 after the rest are delivered; any other failure
// answers 500 so that the provider retries the batch.
func (h *receiver) deliver(ctx context.Context, w http.ResponseWriter, items []item) {
	refused, failed := 0, 0
	for _, it := range items {
		rep := it.Report
		if rep.Call == "" && it.callID != "" {
			rep.Call, _ = h.s.calls.get(it.callID)
		}
		if !rep.clean() {
			countRejected(h.s.cfg.Provider, "unknown_call")
			continue
		}
		err := h.onReport(ctx, rep)
		switch {
		case err == nil:
			countReport(h.s.cfg.Provider, rep)
		case errors.Is(err, ErrRefused):
			refused++
			countRejected(h.s.cfg.Provider, "refused")
		default:
			failed++
			countRejected(h.s.cfg.Provider, "failed")
			h.log.Error("voice: call report not recorded", "provider", h.s.cfg.Provider, "err", err)
		}
	}
	switch {
	case failed > 0:
		h.reply(w, http.StatusInternalServerError, "not recorded, try again")
	case refused > 0:
		h.log.Warn("voice: call report refused: unknown or forged call reference", "provider", h.s.cfg.Provider, "refused", refused)
		h.reply(w, http.StatusForbidden, "call reference refused")
	default:
		h.reply(w, http.StatusOK, "")
	}
}

func (h *receiver) reject(w http.ResponseWriter, status int, reason, msg string) {
	countRejected(h.s.cfg.Provider, reason)
	h.reply(w, status, msg)
}

// reply answers in the provider's format: aliyun {"code":0,"msg":"成功"},
// tencent {"result":0,"errmsg":"OK"}, generic the configured reply; a
// failure carries a non-zero code and the reason.
func (h *receiver) reply(w http.ResponseWriter, status int, msg string) {
	var body []byte
	ok := status == http.StatusOK
	switch h.s.cfg.Provider {
	case Aliyun:
		if ok {
			msg = "成功"
		}
		body, _ = json.Marshal(map[string]any{"code": code(ok, status), "msg": msg})
	case Tencent:
		if ok {
			msg = "OK"
		}
		body, _ = json.Marshal(map[string]any{"result": code(ok, status), "errmsg": msg})
	default:
		body = []byte(h.s.cfg.Generic.Report.Reply)
		if !ok {
			body, _ = json.Marshal(map[string]any{"code": status, "msg": msg})
		}
	}
	ctype := "text/plain; charset=utf-8"
	if json.Valid(body) {
		ctype = "application/json; charset=utf-8"
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func code(ok bool, status int) int {
	if ok {
		return 0
	}
	return status
}

func countReport(provider string, r Report) {
	outcome := "unanswered"
	if r.Answered {
		outcome = "answered"
	}
	metrics.GetOrCreateCounter(`swanwatch_voice_reports_total{provider="` + provider + `",outcome="` + outcome + `"}`).Inc()
	if r.Keys != "" {
		metrics.GetOrCreateCounter(`swanwatch_voice_report_keys_total{provider="` + provider + `"}`).Inc()
	}
}

// countRejected counts a refused request or report; reasons are a fixed set:
// method, auth, too_large, garbage, unknown_call, refused, failed.
func countRejected(provider, reason string) {
	metrics.GetOrCreateCounter(`swanwatch_voice_callback_rejected_total{provider="` + provider + `",reason="` + reason + `"}`).Inc()
}
