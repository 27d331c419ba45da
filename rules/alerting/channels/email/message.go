package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// maxIDLen bounds the notification ID copied into a header.
const maxIDLen = 200

// buildMessage renders n as an RFC 5322 message: UTF-8 text/plain in base64,
// the subject RFC 2047 encoded, Date in Asia/Shanghai (+0800).
func buildMessage(from *mail.Address, to []*mail.Address, n notice.Notification, now time.Time) ([]byte, error) {
	if err := checkID(n.ID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(n.Title) == "" {
		return nil, errors.New("empty title")
	}
	var b bytes.Buffer
	header(&b, "From", from.String())
	header(&b, "To", joinAddrs(to))
	header(&b, "Subject", mime.BEncoding.Encode("utf-8", oneLine(n.Title)))
	header(&b, "Date", now.In(cst.Location).Format(time.RFC1123Z))
	header(&b, "Message-ID", messageID(n.ID, from.Address))
	header(&b, "X-SwanWatch-Notification", n.ID)
	header(&b, "MIME-Version", "1.0")
	header(&b, "Content-Type", `text/plain; charset="utf-8"`)
	header(&b, "Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	writeBase64(&b, body(n))
	return b.Bytes(), nil
}

// checkID keeps the ID a safe single header value.
func checkID(id string) error {
	if id == "" || len(id) > maxIDLen {
		return fmt.Errorf("notification id: want 1..%d bytes", maxIDLen)
	}
	for _, r := range id {
		if r < 0x21 || r > 0x7e {
			return errors.New("notification id: printable ASCII only")
		}
	}
	return nil
}

func header(b *bytes.Buffer, k, v string) { fmt.Fprintf(b, "%s: %s\r\n", k, v) }

func joinAddrs(as []*mail.Address) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// oneLine folds CR/LF into spaces: an ASCII-only title is not encoded by
// mime, and a raw newline would let it add headers.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// messageID is stable per notification, so that a retry after a lost reply
// is the same message to the recipient's client.
func messageID(id, from string) string {
	sum := sha256.Sum256([]byte(id))
	domain := "swanwatch.local"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

// body is the text an operator reads: the rendered text, then the links.
func body(n notice.Notification) string {
	var b strings.Builder
	b.WriteString(n.Text)
	b.WriteString("\n")
	if n.URL != "" {
		b.WriteString("\n事件详情：" + n.URL + "\n")
	}
	if n.AckURL != "" && !n.Resolved {
		b.WriteString("确认：" + n.AckURL + "\n")
	}
	return crlf(b.String())
}

// crlf makes every line end in CRLF, as SMTP requires, whatever the text used.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// writeBase64 writes s in base64 lines of 76 characters (RFC 2045).
func writeBase64(w io.Writer, s string) {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	for len(enc) > 76 {
		io.WriteString(w, enc[:76]+"\r\n")
		enc = enc[76:]
	}
	io.WriteString(w, enc+"\r\n")
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
