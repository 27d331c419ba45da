package voice

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallBookExpiresAndIsBounded(t *testing.T) {
	now := time.Date(2026, 12, 7, 3, 0, 0, 0, shanghai)
	b := newCallBook(time.Hour, 3)
	b.now = func() time.Time { return now }
	b.put("a", "ref-a")
	now = now.Add(30 * time.Minute)
	b.put("b", "ref-b")
	ref, ok := b.get("a")
	assert.True(t, ok)
	assert.Equal(t, "ref-a", ref)

	now = now.Add(31 * time.Minute)
	_, ok = b.get("a")
	assert.False(t, ok, "older than the memory")
	b.put("c", "ref-c")
	assert.NotContains(t, b.refs, "a", "expired entries leave on the next put")

	b.put("d", "ref-d")
	b.put("e", "ref-e")
	assert.Len(t, b.refs, 3, "bounded")
	_, ok = b.get("b")
	assert.False(t, ok, "the oldest went first")
	_, ok = b.get("e")
	assert.True(t, ok)
}

// A GET gateway: the form body becomes the query, and its key is never shown.
func TestGenericGetForm(t *testing.T) {
	var got map[string][]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	cfg := genericConfig(srv.URL)
	cfg.Generic.Method, cfg.Generic.ContentType = "get", Form
	cfg.Generic.Body = `to={{urlquery .Phone}}&text={{urlquery .Text}}&ref={{urlquery .Call}}`
	cfg.Generic.SuccessCodes, cfg.Generic.SuccessField, cfg.Generic.SuccessValue, cfg.Generic.CallIDField = []int{202}, "", "", ""
	cfg.Generic.Report.CallID = ""
	s := newSender(t, cfg)
	n := page()
	n.Recipients = n.Recipients[:1]
	require.NoError(t, s.Send(context.Background(), n))
	assert.Equal(t, []string{"13800001234"}, got["to"])
	assert.Equal(t, []string{"紧急告警：湖滨区 乡镇链路中断，请按1确认。"}, got["text"])
	assert.Equal(t, []string{"c1.inc7.lisi.sig"}, got["ref"])
	assert.Equal(t, []string{"gw-url-key-9876"}, got["key"])

	srv.Close()
	err := s.Send(context.Background(), n)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "gw-url-key-9876")
	assert.NotContains(t, err.Error(), "13800001234", "a phone number is personal data")
}
