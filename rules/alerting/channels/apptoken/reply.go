package apptoken

import (
	"encoding/json"
	"errors"
)

// TokenReply is gettoken's answer of WeCom (获取access_token) and DingTalk (获取企业内部应用的access_token): the same shape.
type TokenReply struct {
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"` // seconds
}

// ParseTokenReply decodes gettoken's answer. A reply without errcode is not
// the platform's (a proxy's page), and errcode 0 without a token cannot be used.
func ParseTokenReply(body []byte) (TokenReply, error) {
	var raw struct {
		ErrCode     *int   `json:"errcode"`
		ErrMsg      string `json:"errmsg"`
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return TokenReply{}, errors.New("gettoken reply is not JSON")
	}
	if raw.ErrCode == nil {
		return TokenReply{}, errors.New("gettoken reply has no errcode")
	}
	if *raw.ErrCode == 0 && raw.AccessToken == "" {
		return TokenReply{}, errors.New("gettoken reply has errcode 0 but no access_token")
	}
	return TokenReply{ErrCode: *raw.ErrCode, ErrMsg: raw.ErrMsg, AccessToken: raw.AccessToken, ExpiresIn: raw.ExpiresIn}, nil
}
