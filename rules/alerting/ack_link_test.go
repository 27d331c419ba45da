package alerting

import (
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAckLinkTokens(t *testing.T) {
	c := newClock()
	l, err := NewAckLinks([]byte(strings.Repeat("a", 32)), time.Hour, c.now)
	require.NoError(t, err)
	other, err := NewAckLinks([]byte(strings.Repeat("b", 32)), time.Hour, c.now)
	require.NoError(t, err)
	tok := l.Token(42)
	id, err := l.Verify(tok)
	require.NoError(t, err)
	assert.Equal(t, int64(42), id)

	parts := strings.Split(tok, ".")
	for name, bad := range map[string]string{
		"other key":        other.Token(42),
		"other incident":   "43." + parts[1] + "." + parts[2],
		"later expiry":     parts[0] + ".99999999999." + parts[2],
		"no signature":     parts[0] + "." + parts[1],
		"empty":            "",
		"garbage":          "x.y.z",
		"oversized":        strings.Repeat("1", 200),
		"negative id":      "-1." + parts[1] + "." + parts[2],
		"extra separators": tok + ".x",
	} {
		_, err := l.Verify(bad)
		assert.ErrorIs(t, err, ErrBadAckLink, name)
	}
	c.add(time.Hour)
	_, err = l.Verify(tok)
	assert.ErrorIs(t, err, ErrBadAckLink, "expired")

	_, err = NewAckLinks([]byte("short"), 0, nil)
	assert.Error(t, err)
}

func TestAckKeyPersists(t *testing.T) {
	path := t.TempDir() + "/keys/ack.key"
	k1, err := LoadAckKey(path)
	require.NoError(t, err)
	k2, err := LoadAckKey(path)
	require.NoError(t, err)
	assert.Equal(t, k1, k2)
	assert.Len(t, k1, 32)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// A person's own link names them; it cannot be turned into another
// person's, a group link, or a call report, nor the other way round.
func TestPersonLinksAndCallRefs(t *testing.T) {
	c := newClock()
	l, err := NewAckLinks([]byte(strings.Repeat("a", 32)), time.Hour, c.now)
	require.NoError(t, err)
	tok := l.PersonToken(42, "李四")
	link, err := l.VerifyLink(tok)
	require.NoError(t, err)
	assert.Equal(t, Link{Incident: 42, Person: "李四"}, link)
	group, err := l.VerifyLink(l.Token(42))
	require.NoError(t, err)
	assert.Empty(t, group.Person)

	parts := strings.Split(tok, ".")
	zhang := base64.RawURLEncoding.EncodeToString([]byte("张三"))
	call := l.CallRef(42, 2, "李四")
	for name, bad := range map[string]string{
		"other person":       parts[0] + "." + parts[1] + "." + zhang + "." + parts[3],
		"person dropped":     parts[0] + "." + parts[1] + "." + parts[3],
		"call ref as a link": call,
		"empty person":       parts[0] + "." + parts[1] + ".." + l.sign(parts[0]+"."+parts[1]+"."),
		"oversized":          strings.Repeat("1", maxTokenBytes+1),
	} {
		_, err := l.VerifyLink(bad)
		assert.ErrorIs(t, err, ErrBadAckLink, name)
	}

	got, err := l.VerifyCall(call)
	require.NoError(t, err)
	assert.Equal(t, Call{Incident: 42, Page: 2, Person: "李四"}, got)
	cp := strings.Split(call, ".")
	for name, bad := range map[string]string{
		"link as a call ref": tok,
		"other page":         cp[0] + ".3." + cp[2] + "." + cp[3],
		"other incident":     "43." + cp[1] + "." + cp[2] + "." + cp[3],
		"garbage":            "a.b.c.d",
	} {
		_, err := l.VerifyCall(bad)
		assert.ErrorIs(t, err, ErrBadAckLink, name)
	}
	c.add(2 * time.Hour)
	_, err = l.VerifyCall(call)
	assert.NoError(t, err, "a call report comes late; the reference does not expire")
	_, err = l.VerifyLink(tok)
	assert.ErrorIs(t, err, ErrBadAckLink, "the link does")
}

func FuzzAckLinkVerify(f *testing.F) {
	l, err := NewAckLinks([]byte(strings.Repeat("a", 32)), time.Hour, nil)
	require.NoError(f, err)
	f.Add(l.Token(1))
	f.Add("1.2.3")
	f.Add(l.PersonToken(7, "李四"))
	f.Add(l.CallRef(7, 1, "李四"))
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := l.Verify(tok)
		if err == nil && (id <= 0 || tok != strings.TrimSpace(tok)) {
			t.Fatalf("accepted %q as %d", tok, id)
		}
		if c, err := l.VerifyCall(tok); err == nil && (c.Incident <= 0 || c.Person == "") {
			t.Fatalf("accepted call %q as %+v", tok, c)
		}
	})
}
