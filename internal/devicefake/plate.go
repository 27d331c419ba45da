package devicefake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// PlateCamera is a Vzenith (臻识) plate camera that pushes to a platform,
// following the Vzenith HTTP push protocol document [fs#67212908519]:
//
//   - a read is an AlarmInfoPlate JSON POST with plateid and isoffline; a
//     read the server did not answer is kept and re-sent later with
//     isoffline 1, one at a time, each after the server answered the last
//     one with ContinuePushOffline {plateid, continue 1};
//   - an IO input change is an AlarmGioIn JSON POST (source 0-3 = IO1-4);
//   - the heartbeat is a multipart/form-data POST of device_name, ipaddr,
//     port, user_name, pass_wd, serialno and channel_num.
//
// The camera sends everything to one URL (a real one has a URL per kind;
// the platform's receiver tells them apart by their body).
type PlateCamera struct {
	URL    string // the push URL, with ?token=... when the platform wants one
	Serial string
	IP     string
	Name   string
	Client *http.Client

	mu      sync.Mutex
	nextID  int64
	last    map[string]any   // the last read, for Repeat
	offline []map[string]any // reads kept while the server was away

	pushes atomic.Int64
}

// NewPlateCamera returns a camera pushing to url.
func NewPlateCamera(url, serial, ip string) *PlateCamera {
	return &PlateCamera{URL: url, Serial: serial, IP: ip, Name: "IVS",
		Client: &http.Client{Timeout: 5 * time.Second}, nextID: 1000}
}

// Pushes is how many POSTs the camera sent.
func (c *PlateCamera) Pushes() int64 { return c.pushes.Load() }

// Offline is how many reads the camera keeps for re-sending.
func (c *PlateCamera) Offline() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.offline)
}

// PlateReply is the server's answer to a read.
type PlateReply struct {
	Response struct {
		Info     string `json:"info"`
		PlateID  int64  `json:"plateid"`
		Continue *struct {
			PlateID  int64 `json:"plateid"`
			Continue int   `json:"continue"`
		} `json:"ContinuePushOffline"`
	} `json:"Response_AlarmInfoPlate"`
}

// Read pushes a plate read: license ("_无_" for none) and the vehicle's
// direction code. A read that gets no answer is kept as an offline record
// and the error returned.
func (c *PlateCamera) Read(ctx context.Context, license string, direction int) (PlateReply, error) {
	c.mu.Lock()
	c.nextID++
	rec := c.plateResult(c.nextID, license, direction, time.Now())
	c.last = rec
	c.mu.Unlock()
	reply, err := c.sendPlate(ctx, rec, 0)
	if err != nil {
		c.mu.Lock()
		c.offline = append(c.offline, rec)
		c.mu.Unlock()
	}
	return reply, err
}

// Resend pushes the kept offline records one by one, each only after the
// server asked for the next; it returns how many the server took.
func (c *PlateCamera) Resend(ctx context.Context) (int, error) {
	n := 0
	for {
		c.mu.Lock()
		if len(c.offline) == 0 {
			c.mu.Unlock()
			return n, nil
		}
		rec := c.offline[0]
		c.mu.Unlock()
		reply, err := c.sendPlate(ctx, rec, 1)
		if err != nil {
			return n, err
		}
		cont := reply.Response.Continue
		if cont == nil || cont.PlateID != rec["plateid"].(int64) {
			return n, fmt.Errorf("devicefake: offline record %v not acknowledged: %+v", rec["plateid"], reply)
		}
		c.mu.Lock()
		c.offline = c.offline[1:]
		c.mu.Unlock()
		n++
		if cont.Continue != 1 {
			return n, nil
		}
	}
}

// Repeat re-sends the last read as it was (a camera that missed the answer
// retries up to 4 times).
func (c *PlateCamera) Repeat(ctx context.Context) (PlateReply, error) {
	c.mu.Lock()
	rec := c.last
	c.mu.Unlock()
	if rec == nil {
		return PlateReply{}, fmt.Errorf("devicefake: no read to repeat")
	}
	return c.sendPlate(ctx, rec, 0)
}

func (c *PlateCamera) plateResult(id int64, license string, direction int, at time.Time) map[string]any {
	t := at.In(cstZone)
	return map[string]any{"plateid": id, "license": license, "direction": direction, "confidence": 96,
		"colorType": 1, "type": 1, "triggerType": 4, "is_fake_plate": 0,
		"gioouts":  []map[string]any{{"ionum": "0", "ctrltype": 0}},
		"location": map[string]any{"RECT": map[string]int{"left": 1002, "top": 565, "right": 1263, "bottom": 674}},
		"timeStamp": map[string]any{"Timeval": map[string]any{"sec": t.Unix(), "usec": t.Nanosecond() / 1000,
			"decyear": t.Year(), "decmon": int(t.Month()), "decday": t.Day(), "dechour": t.Hour(),
			"decmin": t.Minute(), "decsec": t.Second()}}}
}

func (c *PlateCamera) sendPlate(ctx context.Context, rec map[string]any, offline int) (PlateReply, error) {
	pr := map[string]any{}
	for k, v := range rec {
		pr[k] = v
	}
	pr["isoffline"] = offline
	body, _ := json.Marshal(map[string]any{"AlarmInfoPlate": map[string]any{"channel": 0, "deviceName": c.Name,
		"ipaddr": c.IP, "serialno": c.Serial, "rule_id": 1, "user_data": "",
		"result": map[string]any{"PlateResult": pr}}})
	var reply PlateReply
	data, err := c.post(ctx, "application/json", body)
	if err != nil {
		return reply, err
	}
	if err := json.Unmarshal(data, &reply); err != nil {
		return reply, fmt.Errorf("devicefake: plate reply %q: %w", data, err)
	}
	return reply, nil
}

// IOInput pushes an IO input change (AlarmGioIn).
func (c *PlateCamera) IOInput(ctx context.Context, source, value int) error {
	body, _ := json.Marshal(map[string]any{"AlarmGioIn": map[string]any{"deviceName": c.Name, "ipaddr": c.IP,
		"serialno": c.Serial, "result": map[string]any{"TriggerResult": map[string]int{"source": source, "value": value}}}})
	_, err := c.post(ctx, "application/json", body)
	return err
}

// Heartbeat pushes the multipart heartbeat, with the camera's own web login
// in clear as the protocol has it (user_name, pass_wd).
func (c *PlateCamera) Heartbeat(ctx context.Context) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, kv := range [][2]string{{"device_name", c.Name}, {"ipaddr", c.IP}, {"port", "80"},
		{"user_name", "admin"}, {"pass_wd", "camera-web-pass"}, {"serialno", c.Serial}, {"channel_num", "1"}} {
		_ = mw.WriteField(kv[0], kv[1])
	}
	_ = mw.Close()
	_, err := c.post(ctx, mw.FormDataContentType(), buf.Bytes())
	return err
}

func (c *PlateCamera) post(ctx context.Context, contentType string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	c.pushes.Add(1)
	resp, err := c.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return data, fmt.Errorf("devicefake: push answered %s: %s", resp.Status, bytes.TrimSpace(data))
	}
	return data, nil
}
