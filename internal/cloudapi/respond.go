package cloudapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Error codes of the {"error": {"code", "message"}} body.
const (
	codeInvalid  = "invalid_parameter" // 400: the caller's to fix
	codeInternal = "internal"          // 500: ours; the detail is in our log
)

// apiError is an error answer; message is Chinese, for the reader at the bureau.
type apiError struct {
	status  int
	code    string
	message string
	cause   error // logged, never sent
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func invalid(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeInvalid, message: fmt.Sprintf(format, args...)}
}

func internal(what string, err error) *apiError {
	return &apiError{status: http.StatusInternalServerError, code: codeInternal,
		message: "数据查询失败，请稍后重试", cause: fmt.Errorf("%s: %w", what, err)}
}

// handle turns an answer function into a handler: params outside allowed
// are refused (a typo must not silently return everything), the answer is
// written as JSON, errors as the error body.
func (a *API) handle(name string, allowed []string, f func(*http.Request) (any, *apiError)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := checkParams(r.URL.RawQuery, allowed); e != nil {
			a.fail(w, name, e)
			return
		}
		body, e := f(r)
		if e != nil {
			a.fail(w, name, e)
			return
		}
		writeJSON(w, http.StatusOK, body)
	})
}

// checkParams refuses a query string that does not parse (Go's URL.Query
// would drop the bad pair silently), unknown and repeated parameters.
func checkParams(raw string, allowed []string) *apiError {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return invalid("查询参数格式错误（请对参数值做URL编码）")
	}
	for k, v := range q {
		if !slices.Contains(allowed, k) {
			return invalid("未知参数 %q，可用参数：%s", k, strings.Join(allowed, ", "))
		}
		if len(v) > 1 {
			return invalid("参数 %s 只能出现一次", k)
		}
	}
	return nil
}

func (a *API) fail(w http.ResponseWriter, name string, e *apiError) {
	if e.cause != nil {
		a.log.Error("cloud API request failed", "endpoint", name, "err", e.cause)
	}
	type detail struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	writeJSON(w, e.status, map[string]detail{"error": {Code: e.code, Message: e.message}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away: nothing to do
}
