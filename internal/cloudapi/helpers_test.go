package cloudapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/inventory"
)

func agentTarget(i int) inventory.Target {
	return inventory.Target{Name: fmt.Sprintf("vm-x%02d", i), Kind: "agent", Address: "http://x/metrics",
		System: "政务服务", Dept: "大数据局"}
}

// walk follows next_page_token from the first page to the last and
// returns the keys seen, failing on a key sent twice.
func walk(t *testing.T, a *API, router routers.Router, base string, size int,
	keys func([]byte) ([]string, string)) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	token := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000, "paging does not end")
		target := fmt.Sprintf("%s%spage_size=%d", base, sep, size)
		if token != "" {
			target += "&page_token=" + url.QueryEscape(token)
		}
		code, body := call(t, a, router, target)
		require.Equal(t, http.StatusOK, code, "%s", body)
		ks, next := keys(body)
		require.LessOrEqual(t, len(ks), size)
		for _, k := range ks {
			require.False(t, seen[k], "%s sent twice (page_size %d)", k, size)
			seen[k] = true
		}
		if next == "" {
			return seen
		}
		require.NotEmpty(t, ks, "an empty page with a next token")
		token = next
	}
}
