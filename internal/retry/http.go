package retry

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// StatusError is a non-2xx answer of an HTTP receiver.
type StatusError struct {
	Code   int
	Status string // e.g. "503 Service Unavailable"
	Detail string // the start of the body, valid UTF-8
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("receiver answered %s: %q", e.Status, e.Detail)
}

// CheckResponse turns an answer into nil (2xx) or a *StatusError with the first
// 512 bytes of the body: a receiver is trusted with no more than a short
// message. It drains up to 64 KiB more so that the connection is reused; the
// caller closes the body.
func CheckResponse(resp *http.Response) error {
	detail, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	return &StatusError{Code: resp.StatusCode, Status: resp.Status,
		Detail: strings.TrimSpace(strings.ToValidUTF8(string(detail), "?"))}
}

// TransientStatus reports whether an HTTP status is worth retrying: 429 (the
// receiver sheds load) and 5xx. Any other non-2xx answer will not change.
func TransientStatus(code int) bool { return code == http.StatusTooManyRequests || code/100 == 5 }

// Refused reports whether err is an HTTP answer that sending again cannot
// change: the Policy.Permanent of an HTTP delivery. Network errors, 429 and 5xx
// are retried.
func Refused(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && !TransientStatus(se.Code)
}
