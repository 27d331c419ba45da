package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Export is the control plane's JSON export format, also served by the simulator.
type Export struct {
	Targets []Target `json:"targets"`
	Links   []Link   `json:"links,omitempty"`
}

// fetch GETs one HTTP source and returns its entries. A failed fetch is one
// error; a bad entry is a problem and only that entry is lost.
func fetch(ctx context.Context, src HTTPSource, o Options) ([]entry, []Problem, error) {
	ctx, cancel := context.WithTimeout(ctx, src.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.URL, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if src.BearerToken.IsSet() {
		req.Header.Set("Authorization", "Bearer "+src.BearerToken.Reveal())
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("get: %w", stripURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("get: unexpected status %s", resp.Status)
	}
	body, err := readBounded(resp.Body, o.MaxBodyBytes)
	if err != nil {
		return nil, nil, err
	}
	entries, probs, err := jsonEntries(redact(src.URL), body)
	return entries, probs, err
}

// readBounded reads at most max bytes; a larger answer is an error with a hint
// rather than a silent truncation.
func readBounded(r io.Reader, max int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("body larger than %d bytes: split the export or raise the limit", max)
	}
	return body, nil
}

// jsonEntries decodes an Export strictly, one entry (target or link) at a time.
func jsonEntries(src string, body []byte) ([]entry, []Problem, error) {
	var doc struct {
		Targets []json.RawMessage `json:"targets"`
		Links   []json.RawMessage `json:"links"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, nil, fmt.Errorf("decode export: %w", err)
	}
	if doc.Targets == nil && doc.Links == nil {
		return nil, nil, errors.New(`decode export: no "targets" list (nor "links")`)
	}
	var out []entry
	var probs []Problem
	for i, raw := range doc.Targets {
		at := fmt.Sprintf("targets[%d]", i)
		var t Target
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&t); err != nil {
			probs = append(probs, Problem{Source: src, Msg: fmt.Sprintf("%s: %v", at, err)})
			continue
		}
		t.Source = src + "#" + at
		out = append(out, entry{t: t, where: func(string) Problem {
			return Problem{Source: src, Msg: fmt.Sprintf("%s (%q): ", at, t.Name)}
		}})
	}
	links, more := jsonLinkEntries(src, doc.Links)
	return append(out, links...), append(probs, more...), nil
}

// redact drops a password in the URL's user info: problems and logs carry it.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable url)"
	}
	return u.Redacted()
}

// stripURL keeps the cause of a *url.Error but not the URL, which may carry
// credentials; the caller names the source itself.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
