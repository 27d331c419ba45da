package device

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// What a plate camera pushes (Vzenith/臻识 HTTP push protocol; Alphadigi
// cameras speak the same): a plate read (AlarmInfoPlate), an IO input change
// (AlarmGioIn: source 0-3 = IO1-4, 4 = TCP trigger), RS-485 data
// (SerialData), a snapshot (TriggerImage), and the heartbeat, a
// multipart/form-data POST of device_name, ipaddr, port, user_name,
// pass_wd, serialno and channel_num.
type pushKind int

const (
	pushPlate pushKind = iota + 1
	pushGioIn
	pushHeartbeat
	pushOther // SerialData, TriggerImage: acknowledged, not used
)

// pushMsg is one push, reduced to what the platform uses. The heartbeat's
// user_name and pass_wd (the camera's own web login, in clear) are never
// read.
type pushMsg struct {
	kind   pushKind
	serial string // serialno
	ip     string // ipaddr
	name   string // deviceName / device_name

	license    string
	plateID    int64
	hasPlateID bool
	offline    bool  // isoffline 1: a read stored while the server was away
	direction  int64 // PlateResult.direction: the vehicle's way through the picture
	sec, usec  int64 // timeStamp.Timeval of the read

	source, value int64 // AlarmGioIn.result.TriggerResult
}

// Bounds of the fields kept from a push.
const (
	maxPushField   = 64
	maxFormParts   = 32
	maxFormPartLen = 1024
)

var errNoSender = errors.New("the push names no camera (serialno or ipaddr)")

// parsePush reads a push body by its content type.
func parsePush(contentType string, body []byte) (pushMsg, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "multipart/form-data":
		return parseHeartbeatMultipart(body, params["boundary"])
	case "application/x-www-form-urlencoded":
		return parseHeartbeatForm(body)
	}
	return parsePushJSON(body)
}

func parsePushJSON(body []byte) (pushMsg, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if !gjson.ValidBytes(body) {
		return pushMsg{}, fmt.Errorf("%w: the push is neither JSON nor a form", ErrBadAnswer)
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return pushMsg{}, fmt.Errorf("%w: the push is not a JSON object", ErrBadAnswer)
	}
	switch {
	case root.Get("AlarmInfoPlate").IsObject():
		return parsePlate(root.Get("AlarmInfoPlate"))
	case root.Get("AlarmGioIn").IsObject():
		return parseGioIn(root.Get("AlarmGioIn"))
	case root.Get("SerialData").IsObject():
		return sender(pushMsg{kind: pushOther}, root.Get("SerialData"))
	case root.Get("TriggerImage").Exists():
		return sender(pushMsg{kind: pushOther}, root)
	}
	return pushMsg{}, fmt.Errorf("%w: a JSON push without AlarmInfoPlate, AlarmGioIn, SerialData or TriggerImage", ErrBadAnswer)
}

func parsePlate(a gjson.Result) (pushMsg, error) {
	pr := a.Get("result.PlateResult")
	if !pr.IsObject() {
		return pushMsg{}, fmt.Errorf("%w: AlarmInfoPlate without result.PlateResult", ErrBadAnswer)
	}
	m := pushMsg{kind: pushPlate, license: field(pr.Get("license")), direction: pr.Get("direction").Int(),
		offline: pr.Get("isoffline").Int() == 1, sec: pr.Get("timeStamp.Timeval.sec").Int(),
		usec: pr.Get("timeStamp.Timeval.usec").Int()}
	if id := pr.Get("plateid"); id.Exists() {
		m.plateID, m.hasPlateID = id.Int(), true
	}
	return sender(m, a)
}

func parseGioIn(a gjson.Result) (pushMsg, error) {
	tr := a.Get("result.TriggerResult")
	if !tr.Get("source").Exists() || !tr.Get("value").Exists() {
		return pushMsg{}, fmt.Errorf("%w: AlarmGioIn without result.TriggerResult source and value", ErrBadAnswer)
	}
	return sender(pushMsg{kind: pushGioIn, source: tr.Get("source").Int(), value: tr.Get("value").Int()}, a)
}

// sender fills the camera's identity from the message's envelope.
func sender(m pushMsg, env gjson.Result) (pushMsg, error) {
	m.serial, m.ip = field(env.Get("serialno")), field(env.Get("ipaddr"))
	m.name = field(env.Get("deviceName"))
	if m.serial == "" && m.ip == "" {
		return pushMsg{}, fmt.Errorf("%w: %w", ErrBadAnswer, errNoSender)
	}
	return m, nil
}

// field keeps a short, valid text of a push field.
func field(v gjson.Result) string {
	s := strings.TrimSpace(v.String())
	if !utf8.ValidString(s) {
		return ""
	}
	if len(s) > maxPushField {
		s = clip(s)
	}
	return s
}

// heartbeatFields are the heartbeat's fields the platform reads.
var heartbeatFields = map[string]bool{"serialno": true, "ipaddr": true, "device_name": true}

func parseHeartbeatMultipart(body []byte, boundary string) (pushMsg, error) {
	if boundary == "" {
		return pushMsg{}, fmt.Errorf("%w: multipart push without boundary", ErrBadAnswer)
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	vals := map[string]string{}
	for i := 0; ; i++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || i >= maxFormParts {
			return pushMsg{}, fmt.Errorf("%w: heartbeat form: %v", ErrBadAnswer, orTooMany(err))
		}
		name := part.FormName()
		if heartbeatFields[name] {
			b, _ := io.ReadAll(io.LimitReader(part, maxFormPartLen))
			vals[name] = string(b)
		}
		part.Close()
	}
	return heartbeat(vals)
}

func orTooMany(err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("more than %d parts", maxFormParts)
}

func parseHeartbeatForm(body []byte) (pushMsg, error) {
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return pushMsg{}, fmt.Errorf("%w: heartbeat form: %v", ErrBadAnswer, err)
	}
	vals := map[string]string{}
	for k := range heartbeatFields {
		vals[k] = q.Get(k)
	}
	return heartbeat(vals)
}

func heartbeat(vals map[string]string) (pushMsg, error) {
	m := pushMsg{kind: pushHeartbeat, serial: text(vals["serialno"]), ip: text(vals["ipaddr"]), name: text(vals["device_name"])}
	if m.serial == "" && m.ip == "" {
		return pushMsg{}, fmt.Errorf("%w: heartbeat: %w", ErrBadAnswer, errNoSender)
	}
	return m, nil
}

func text(s string) string { return field(gjson.Result{Type: gjson.String, Str: s}) }
