package devicefake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// XixunServer is a Xixun (熙讯) LED realtime server with its cards:
//
//	POST /command/<cardId>  {"type":"getCardInformation"}
//	                        {"type":"callCardService","fn":"getFpgaInfomation"}
//
// Sources: the command URL [fs#3736051089] and the JSON API doc
// [fs#4224527617] (answers: "_type":"success" with "card":{screenStatus,
// brightness 0-255, currentProgramName, temperature, ...}, and "result":
// [{"temperature":"55.0℃","cardVoltage":"4.52V",...}]). Guessed: the
// error answer for a card that is not connected; the doc only names the
// "not opened" error, which the fake sends as {"_type":"error","message":
// "not opened"}.
type XixunServer struct {
	Box
	mu    sync.Mutex
	cards map[string]*XixunCard
}

// XixunCard is one card's state.
type XixunCard struct {
	Online      bool
	ScreenOn    bool
	Brightness  int // 0-255
	Program     string
	Temperature float64 // °C, the FPGA board's
	Voltage     float64 // V
	Smoke       bool
	// NoFPGA makes getFpgaInfomation unsupported (old firmware).
	NoFPGA bool
}

// NewXixunServer starts a realtime server on addr without cards.
func NewXixunServer(addr string) (*XixunServer, error) {
	x := &XixunServer{cards: map[string]*XixunCard{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /command/{card}", x.command)
	return x, x.start(addr, mux)
}

// SetCard adds or replaces a card.
func (x *XixunServer) SetCard(id string, c XixunCard) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.cards[id] = &c
}

// Card returns a copy of a card's state.
func (x *XixunServer) Card(id string) (XixunCard, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	c, ok := x.cards[id]
	if !ok {
		return XixunCard{}, false
	}
	return *c, true
}

// Update changes a card in place.
func (x *XixunServer) Update(id string, f func(*XixunCard)) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if c, ok := x.cards[id]; ok {
		f(c)
	}
}

func (x *XixunServer) command(w http.ResponseWriter, r *http.Request) {
	var cmd struct {
		ID   string `json:"_id"`
		Type string `json:"type"`
		Fn   string `json:"fn"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if json.Unmarshal(body, &cmd) != nil {
		writeJSON(w, http.StatusOK, map[string]any{"_type": "error", "message": "bad json"})
		return
	}
	c, ok := x.Card(r.PathValue("card"))
	if !ok || !c.Online {
		writeJSON(w, http.StatusOK, map[string]any{"_type": "error", "message": "not opened", "_id": cmd.ID})
		return
	}
	switch {
	case cmd.Type == "getCardInformation":
		writeJSON(w, http.StatusOK, cardInformation(r.PathValue("card"), cmd.ID, c))
	case cmd.Type == "callCardService" && cmd.Fn == "getFpgaInfomation" && !c.NoFPGA:
		writeJSON(w, http.StatusOK, fpgaInformation(c))
	default:
		writeJSON(w, http.StatusOK, map[string]any{"_type": "error", "message": "unsupported command " + cmd.Type + " " + cmd.Fn})
	}
}

func cardInformation(id, cmdID string, c XixunCard) map[string]any {
	screen := "off"
	if c.ScreenOn {
		screen = "on"
	}
	return map[string]any{"_type": "success", "_id": cmdID, "commandId": cmdID, "deviceId": id,
		"card": map[string]any{"alias": "noname", "connVersion": "10.4.5", "screenStatus": screen,
			"brightness": c.Brightness, "autoBrightness": false, "currentProgramName": c.Program,
			"currentProgramId": nil, "width": 128, "height": 256, "netType": "ETH", "temperature": 0,
			"playerVersion": "10.9.9-22_5", "volume": 12, "rssi": -45, "locked": false}}
}

func fpgaInformation(c XixunCard) map[string]any {
	smoke := "Normal"
	if c.Smoke {
		smoke = "Alarm"
	}
	return map[string]any{"_type": "success", "result": []map[string]any{{
		"externalVoltage1": "0.0V", "externalVoltage2": "0.0V", "humidity": "0.0%",
		"cardVoltage": fmt.Sprintf("%.2fV", c.Voltage), "smoke": smoke, "version": "a000",
		"temperature": fmt.Sprintf("%.1f℃", c.Temperature), "doorOpened": "Close"}}}
}
