package devicefake

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// CoexProcessor is a Novastar COEX video processor (MX/VX/CX), HTTP API v1:
//
//	GET /api/v1/screen                          {"code":0,"data":{"screens":[{"screenID":..,"screenName":..}]}}
//	GET /api/v1/screen/displayStatus?screenId=  display mode and brightness
//	GET /api/v1/device/monitoring               temperature, power, abnormal receiving cards
//	PUT /api/v1/screen/brightness               {"screenIdList":[..],"brightness":0-100}
//	PUT /api/v1/device/displaymode              {"value":0 normal|1 freeze|2 blackout}
//
// Sources: the endpoints and bodies of Conconpyle/MXcontrol
// (coex-api-commands.js, WORKING-COMMANDS-SUMMARY.md) and its captured GET
// /screen answer. Guessed (no source has them): the fields of displayStatus
// (data.displayMode, data.brightness) and monitoring (data.temperature,
// data.power, data.abnormalCards), the same guess as the shipped profile.
type CoexProcessor struct {
	Box
	mu          sync.Mutex
	screenID    string
	displayMode int
	brightness  float64
	temperature float64
	power       float64
	abnormal    int
	noMonitor   bool
}

// NewCoexProcessor starts a processor with one screen screenID, normal
// display, brightness 80 %, 42 °C, 350 W.
func NewCoexProcessor(addr, screenID string) (*CoexProcessor, error) {
	c := &CoexProcessor{screenID: screenID, brightness: 80, temperature: 42, power: 350}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/screen", c.screen)
	mux.HandleFunc("GET /api/v1/screen/displayStatus", c.display)
	mux.HandleFunc("GET /api/v1/device/monitoring", c.monitor)
	mux.HandleFunc("PUT /api/v1/screen/brightness", c.putBrightness)
	mux.HandleFunc("PUT /api/v1/device/displaymode", c.putMode)
	return c, c.start(addr, mux)
}

// Set changes the processor's state in place.
func (c *CoexProcessor) Set(f func(s *CoexState)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := CoexState{DisplayMode: c.displayMode, Brightness: c.brightness, Temperature: c.temperature,
		Power: c.power, AbnormalCards: c.abnormal, NoMonitoring: c.noMonitor}
	f(&s)
	c.displayMode, c.brightness, c.temperature, c.power, c.abnormal, c.noMonitor =
		s.DisplayMode, s.Brightness, s.Temperature, s.Power, s.AbnormalCards, s.NoMonitoring
}

// CoexState is what Set may change.
type CoexState struct {
	DisplayMode   int // 0 normal, 1 freeze, 2 blackout
	Brightness    float64
	Temperature   float64
	Power         float64
	AbnormalCards int
	NoMonitoring  bool // the monitoring endpoint answers 404, as on the tested MX
}

func (c *CoexProcessor) ok(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success", "data": data})
}

func (c *CoexProcessor) screen(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	id := c.screenID
	c.mu.Unlock()
	c.ok(w, map[string]any{"screens": []map[string]any{{"screenID": id, "screenName": "Screen_001",
		"workingMode": 1, "screenIndex": 0, "position": map[string]int{"x": 0, "y": 0}}}})
}

func (c *CoexProcessor) display(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.URL.Query().Get("screenId") != c.screenID {
		writeJSON(w, http.StatusOK, map[string]any{"code": 4004, "message": "screen not found"})
		return
	}
	c.ok(w, map[string]any{"displayMode": c.displayMode, "brightness": c.brightness})
}

func (c *CoexProcessor) monitor(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.noMonitor {
		http.NotFound(w, r)
		return
	}
	c.ok(w, map[string]any{"temperature": c.temperature, "power": c.power, "abnormalCards": c.abnormal})
}

func (c *CoexProcessor) putBrightness(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ScreenIDList []string `json:"screenIdList"`
		Brightness   *float64 `json:"brightness"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if json.Unmarshal(body, &req) != nil || req.Brightness == nil || *req.Brightness < 0 || *req.Brightness > 100 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 4000, "message": "bad request"})
		return
	}
	c.Set(func(s *CoexState) { s.Brightness = *req.Brightness })
	c.ok(w, nil)
}

func (c *CoexProcessor) putMode(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Value *int `json:"value"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if json.Unmarshal(body, &req) != nil || req.Value == nil || *req.Value < 0 || *req.Value > 2 {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 4000, "message": "bad request"})
		return
	}
	c.Set(func(s *CoexState) { s.DisplayMode = *req.Value })
	c.ok(w, nil)
}
