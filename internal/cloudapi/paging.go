package cloudapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
)

// A page token is opaque to the caller: base64url of {"v":1,"f":…,"k":…},
// the query it belongs to (a hash of the filters) and the sort key of the
// last item sent. The next page starts strictly after that key in the list's
// stable order, so an item is sent at most once even when the data changes
// between pages (an item added behind the cursor waits for the next walk).
type pageToken struct {
	V int    `json:"v"`
	F string `json:"f"`
	K string `json:"k"`
}

const maxTokenLen = 1024

// queryHash ties a token to the filters of its query (not page_size, which
// a client may change between pages).
func queryHash(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

func encodeToken(hash, key string) string {
	b, _ := json.Marshal(pageToken{V: 1, F: hash, K: key})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken returns the last key of the previous page ("" without token).
func decodeToken(s, hash string) (string, *apiError) {
	if s == "" {
		return "", nil
	}
	bad := invalid("page_token 无效，请使用上一页返回的 next_page_token")
	if len(s) > maxTokenLen {
		return "", bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", bad
	}
	var t pageToken
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil || dec.More() || t.V != 1 || t.K == "" {
		return "", bad
	}
	if t.F != hash {
		return "", invalid("page_token 属于另一组查询条件，翻页时请保持其他参数不变")
	}
	return t.K, nil
}

// page cuts the next page out of items sorted by key (ascending, unique):
// the items after the token's key, at most size of them, and the token of
// the page after, "" on the last page.
func page[T any](items []T, key func(T) string, after string, size int, hash string) ([]T, string) {
	i := 0
	if after != "" {
		i = sort.Search(len(items), func(i int) bool { return key(items[i]) > after })
	}
	end := min(i+size, len(items))
	out := items[i:end]
	if end == len(items) || len(out) == 0 {
		return out, ""
	}
	return out, encodeToken(hash, key(out[len(out)-1]))
}
