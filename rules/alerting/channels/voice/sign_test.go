package voice

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The worked example of aliyun's "签名机制" page (RPC, signature 1.0):
// DescribeRegions with AccessKeyId testid, secret testsecret.
var aliyunDocParams = map[string]string{
	"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
	"SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
	"Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
}

const aliyunDocSignature = "OLeaidS1JvxuMvnyHOwuJ+uX5qY="

func TestAliyunSignatureDocExample(t *testing.T) {
	v := url.Values{}
	for k, x := range aliyunDocParams {
		v.Set(k, x)
	}
	assert.Equal(t, aliyunDocSignature, aliyunSignature(http.MethodGet, v, "testsecret"), "the fake's verifier")
	assert.Equal(t, aliyunDocSignature, popSign(http.MethodGet, aliyunDocParams, "testsecret"), "the sender")
	assert.NotEqual(t, aliyunDocSignature, popSign(http.MethodPost, aliyunDocParams, "testsecret"), "the method is signed")
	assert.Equal(t, "a%20b%2Ac~d%2F%3A%E4%B8%AD", popEncode("a b*c~d/:中"))
}

// The worked example of tencent's "签名方法 v3" page: cvm DescribeInstances
// at 1551113065 (2019-02-25 UTC); the page shows the key masked as below and
// the signature computed with exactly that string.
func TestTC3SignatureDocExample(t *testing.T) {
	const (
		id      = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******"
		key     = "Gu5t9xGARNpq86cd98joQYCN3*******"
		payload = `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
		want    = "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
	)
	sig, date := tc3Signature(key, "cvm", "cvm.tencentcloudapi.com", "application/json; charset=utf-8", []byte(payload), 1551113065)
	assert.Equal(t, want, sig, "the fake's verifier")
	assert.Equal(t, "2019-02-25", date)
	assert.Equal(t, "TC3-HMAC-SHA256 Credential="+id+"/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature="+want,
		tc3Authorization(id, key, "cvm", "cvm.tencentcloudapi.com", []byte(payload), time.Unix(1551113065, 0)), "the sender")
}
