package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// HTTPSource reads the control plane's JSON export (the package doc shows
// the shape).
type HTTPSource struct {
	URL             string
	BearerTokenFile string        // optional; read at every fetch, so a rotated token is picked up
	Timeout         time.Duration // the whole fetch, body included; ≤ 0: DefaultTimeout
	MaxBytes        int64         // ≤ 0: DefaultMaxBytes
	Client          *http.Client  // nil: a plain client
}

// Defaults of a source.
const (
	DefaultTimeout  = 30 * time.Second
	DefaultMaxBytes = 32 << 20
)

// Name is the URL without credentials.
func (s *HTTPSource) Name() string { return redact(s.URL) }

// Read implements Source.
func (s *HTTPSource) Read(ctx context.Context) (Book, error) {
	body, err := s.fetch(ctx)
	if err != nil {
		return Book{}, fmt.Errorf("台账导出 %s：%w", s.Name(), err)
	}
	b, err := decodeExport(s.Name(), body)
	if err != nil {
		return Book{}, fmt.Errorf("台账导出 %s：%w", s.Name(), err)
	}
	return b, nil
}

func (s *HTTPSource) fetch(ctx context.Context) ([]byte, error) {
	timeout, max := s.Timeout, s.MaxBytes
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if max <= 0 {
		max = DefaultMaxBytes
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return nil, errors.New("地址无效")
	}
	req.Header.Set("Accept", "application/json")
	if s.BearerTokenFile != "" {
		tok, err := secret.FromFile(s.BearerTokenFile)
		if err != nil {
			return nil, fmt.Errorf("读取令牌文件失败：%w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.Reveal())
	}
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("请求失败：%w", stripURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("返回 %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("读取应答失败：%w", stripURL(err))
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("应答超过 %d 字节上限：请分批导出或调高 max_bytes", max)
	}
	return body, nil
}

// jsonEntry is one entry of the export: every field a string, so that a
// number where a name belongs is refused rather than guessed at.
type jsonEntry struct {
	VM        *string `json:"vm"`
	Spec      *string `json:"spec"`
	System    *string `json:"system"`
	Dept      *string `json:"dept"`
	TermStart *string `json:"term_start"`
	TermEnd   *string `json:"term_end"`
}

// decodeExport reads an export: the document must be an object with an
// "entries" list; each entry is checked on its own and a bad one is a
// problem, numbered from 1.
func decodeExport(src string, body []byte) (Book, error) {
	var doc struct {
		Entries *[]json.RawMessage `json:"entries"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Book{}, fmt.Errorf("不是有效的 JSON 导出（%s）", docReason(err))
	}
	if doc.Entries == nil {
		return Book{}, errors.New(`导出中没有 "entries" 列表`)
	}
	b := newBook(src, true)
	for i, msg := range *doc.Entries {
		var je jsonEntry
		if err := json.NewDecoder(bytes.NewReader(msg)).Decode(&je); err != nil {
			b.problem(i+1, "", jsonReason(err))
			continue
		}
		b.add(i+1, raw{VM: str(je.VM), Spec: str(je.Spec), System: str(je.System), Dept: str(je.Dept),
			Start: str(je.TermStart), End: str(je.TermEnd)}, false)
	}
	return b.Book, nil
}

// docReason says in Chinese what is wrong with the document as a whole.
func docReason(err error) string {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		if te.Field == "" {
			return "须为 JSON 对象，实际为 " + te.Value
		}
		return `"entries" 须为列表，实际为 ` + te.Value
	}
	return jsonReason(err)
}

// jsonReason says in Chinese what was wrong, without echoing the input.
func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return fmt.Sprintf("字段 %s 须为字符串，实际为 %s", clip(te.Field), te.Value)
	case errors.As(err, &te):
		return fmt.Sprintf("条目须为对象，实际为 %s", te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("第 %d 字节处语法错误", se.Offset)
	}
	return "格式错误"
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// redact drops a password in the URL's user info: problems and logs carry it.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(无法解析的地址)"
	}
	return u.Redacted()
}

// stripURL keeps the cause of a *url.Error but not the URL, which may carry
// credentials; the caller names the source itself.
func stripURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}
