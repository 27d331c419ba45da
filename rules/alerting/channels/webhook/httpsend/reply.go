package httpsend

import (
	"encoding/json"
	"errors"
)

// ErrcodeReply is the answer of the WeCom and DingTalk robot APIs, e.g.
// {"errcode":0,"errmsg":"ok"}.
type ErrcodeReply struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// ParseErrcodeReply decodes a robot's reply; one without errcode is an
// error, since a 2xx from something that is not the robot API (a proxy page)
// is not a delivery.
func ParseErrcodeReply(body []byte) (ErrcodeReply, error) {
	var raw struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return ErrcodeReply{}, errors.New("reply is not JSON")
	}
	if raw.ErrCode == nil {
		return ErrcodeReply{}, errors.New("reply has no errcode")
	}
	return ErrcodeReply{ErrCode: *raw.ErrCode, ErrMsg: raw.ErrMsg}, nil
}
