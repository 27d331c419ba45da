package devicefake

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/icholy/digest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func get(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDigestAuth: the fake's own RFC 7616 check accepts a digest client and
// refuses a wrong password; a worn-out nonce is refused without a challenge.
func TestDigestAuth(t *testing.T) {
	g, err := NewHikvisionGate("127.0.0.1:0")
	require.NoError(t, err)
	defer g.Close()
	g.SetAuth(Auth{Scheme: "digest", User: "admin", Password: "right", NonceUses: 2})
	url := g.URL() + "/ISAPI/AccessControl/AcsWorkStatus?format=json"
	ok := &http.Client{Transport: &digest.Transport{Username: "admin", Password: "right"}}
	code, body := get(t, ok, url)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"cardReaderOnlineStatus":[1]`)
	code, _ = get(t, ok, url)
	assert.Equal(t, http.StatusOK, code, "second use of the nonce")
	resp, err := ok.Get(url)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "third use: refused")
	assert.Empty(t, resp.Header.Get("WWW-Authenticate"), "without a new challenge")

	bad := &http.Client{Transport: &digest.Transport{Username: "admin", Password: "wrong"}}
	code, _ = get(t, bad, url)
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Positive(t, g.AuthFailures())
}

// TestBasicAuthAndFaults: basic auth, then each fault.
func TestBasicAuthAndFaults(t *testing.T) {
	p, err := NewParkingServer("127.0.0.1:0", ParkingLot{Code: "P1", Name: "东", Total: 10, Free: 4})
	require.NoError(t, err)
	defer p.Close()
	p.SetAuth(Auth{Scheme: "basic", User: "u", Password: "pw"})
	post := func(user, pass string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, p.URL()+"/artemis/api/pms/v1/park/remainSpaceNum", strings.NewReader(`{"parkSyscode":""}`))
		req.SetBasicAuth(user, pass)
		c := &http.Client{Timeout: 2 * time.Second}
		resp, err := c.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := post("u", "pw")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"leftPlace":4`)
	code, _ = post("u", "nope")
	assert.Equal(t, http.StatusUnauthorized, code)

	p.SetFault(Garbage, 0)
	_, body = post("u", "pw")
	assert.Contains(t, body, "login required")
	p.SetFault(ServerError, 0)
	code, _ = post("u", "pw")
	assert.Equal(t, http.StatusInternalServerError, code)
	p.SetFault(Slow, 300*time.Millisecond)
	start := time.Now()
	code, _ = post("u", "pw")
	assert.Equal(t, http.StatusOK, code)
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
	p.SetFault(Reset, 0)
	code, _ = post("u", "pw")
	assert.Zero(t, code)
	assert.GreaterOrEqual(t, p.Requests(), int64(6))
}

// TestPlateCameraOffline: an unanswered read is kept for re-sending.
func TestPlateCameraOffline(t *testing.T) {
	cam := NewPlateCamera("http://127.0.0.1:1/push", "s", "10.0.0.1")
	_, err := cam.Read(context.Background(), "豫M1", 4)
	require.Error(t, err)
	assert.Equal(t, 1, cam.Offline())
	assert.Equal(t, int64(1), cam.Pushes())
}

// TestWLANRows: rows are sorted and vendor-specific.
func TestWLANRows(t *testing.T) {
	aps := []AP{{Name: "a", Group: "g", Up: true, Clients: 3}, {Name: "b", Up: false}, {Name: "c", Gone: true}}
	rows, err := WLANRows("ruijie", aps)
	require.NoError(t, err)
	for i := 1; i < len(rows); i++ {
		assert.Negative(t, compareOID(rows[i-1].OID, rows[i].OID))
	}
	assert.Len(t, rows, 6, "one online AP's four columns and two counts")
	_, err = WLANRows("cisco", aps)
	assert.Error(t, err)
}

// FuzzParseDigest: any Authorization header parses or is refused.
func FuzzParseDigest(f *testing.F) {
	f.Add(`Digest username="admin", realm="DS-fake", nonce="abc", uri="/a", response="x", qop=auth, nc=00000001, cnonce="c"`)
	f.Add(`Digest a=`)
	f.Add(`Digest a="`)
	f.Fuzz(func(t *testing.T, h string) {
		m, ok := parseDigest(h)
		if ok && m == nil {
			t.Fatal("ok without a map")
		}
	})
}
