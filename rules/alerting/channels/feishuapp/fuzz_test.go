package feishuapp

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseReply(t *testing.T) {
	r, err := ParseReply([]byte(`{"code":0,"msg":"ok","tenant_access_token":"t-caecc734c2e3328a62489fe0648c4b98779515d3","expire":7200}`))
	require.NoError(t, err)
	assert.Equal(t, Reply{Msg: "ok", TenantAccessToken: "t-caecc734c2e3328a62489fe0648c4b98779515d3", Expire: 7200}, r)

	r, err = ParseReply([]byte(`{"code":0,"msg":"success","data":{"message_id":"om_dc13264520392913993dd051dba21dcf","msg_type":"interactive"}}`))
	require.NoError(t, err)
	assert.Equal(t, "om_dc13264520392913993dd051dba21dcf", r.MessageID)

	r, err = ParseReply([]byte(`{"code":230013,"msg":"Bot has NO availability to this user.","data":{}}`))
	require.NoError(t, err)
	assert.Equal(t, CodeNoAvailability, r.Code)

	for _, bad := range []string{``, `{}`, `null`, `[]`, `<html>502 Bad Gateway</html>`, `{"code":"0"}`, `{"code":0.5}`, `{"code":0,"data":[]}`} {
		_, err := ParseReply([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{
		`{"code":0,"msg":"ok","tenant_access_token":"t-x","expire":7200}`,
		`{"code":0,"msg":"success","data":{"message_id":"om_1"}}`,
		`{"code":99991663,"msg":"Invalid access token for authorization"}`,
		`{"code":99991400,"msg":"request trigger frequency limit"}`,
		`{}`, `null`, `[1]`, `{"code":1e99}`, `{"data":null,"code":-1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseReply(b)
		if err != nil {
			assert.Equal(t, Reply{}, r, "a refused reply yields nothing")
			return
		}
		// Accepted means b is a JSON object (with a code, its keys matched
		// without regard to case as encoding/json does).
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b, &m))
		require.NotNil(t, m)
	})
}
