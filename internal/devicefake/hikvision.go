package devicefake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// HikvisionGate is a Hikvision access-control turnstile (ISAPI, JSON):
//
//	GET  /ISAPI/AccessControl/AcsWorkStatus?format=json
//	POST /ISAPI/AccessControl/AcsEventTotalNum?format=json  {"AcsEventTotalNumCond":{...}}
//
// Sources: the AcsWorkStatus fields of fs#66571111460, fs#55709080036 and
// fs#65744977698; the AcsEventTotalNum request and answer as observed on a
// DS-K1T342MWX (fs#56714042243), which also refuses the search root
// (AcsEventCond) with MessageParametersLack. Passages are face-verified
// access events (major 5, minor 75), reader 1 the entrance and reader 2 the
// exit; the fake counts them per CST day, as a search from today 00:00 does.
// Guessed: that the firmware filters the count by cardReaderNo.
type HikvisionGate struct {
	Box
	mu     sync.Mutex
	online bool
	lock   int
	passes map[int]int // card reader → passages today
	day    string
	now    func() time.Time
}

// NewHikvisionGate starts a turnstile on addr ("127.0.0.1:0"): reader
// online, lock closed (0), no passages yet.
func NewHikvisionGate(addr string) (*HikvisionGate, error) {
	g := &HikvisionGate{online: true, passes: map[int]int{}, now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ISAPI/AccessControl/AcsWorkStatus", g.workStatus)
	mux.HandleFunc("POST /ISAPI/AccessControl/AcsEventTotalNum", g.totalNum)
	return g, g.start(addr, mux)
}

// SetReaderOnline sets cardReaderOnlineStatus[0].
func (g *HikvisionGate) SetReaderOnline(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.online = on
}

// SetLockStatus sets doorLockStatus[0]: 0 locked, 1 unlocked, 2 short
// circuit, 3 broken circuit, 4 exception.
func (g *HikvisionGate) SetLockStatus(s int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.lock = s
}

// Pass records n passages through the gate, direction "in" (reader 1) or
// "out" (reader 2).
func (g *HikvisionGate) Pass(direction string, n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rollDay()
	g.passes[readerOf(direction)] += n
}

// Passages is today's count of a direction.
func (g *HikvisionGate) Passages(direction string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rollDay()
	return g.passes[readerOf(direction)]
}

// NewDay starts a new day now (the counts restart), as midnight does.
func (g *HikvisionGate) NewDay() {
	g.mu.Lock()
	defer g.mu.Unlock()
	clear(g.passes)
}

func readerOf(direction string) int {
	if direction == "out" {
		return 2
	}
	return 1
}

// rollDay restarts the counts when the CST day changed.
func (g *HikvisionGate) rollDay() {
	day := g.now().In(cstZone).Format(time.DateOnly)
	if day != g.day {
		g.day = day
		clear(g.passes)
	}
}

func (g *HikvisionGate) workStatus(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	online := 0
	if g.online {
		online = 1
	}
	st := map[string]any{"AcsWorkStatus": map[string]any{
		"doorLockStatus": []int{g.lock}, "doorStatus": []int{4}, "magneticStatus": []int{0},
		"cardReaderOnlineStatus": []int{online}, "powerSupplyStatus": "ACPowerSupply",
		"hostAntiDismantleStatus": "close",
	}}
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, st)
}

func (g *HikvisionGate) totalNum(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Cond *struct {
			Major, Minor, CardReaderNo int
			StartTime, EndTime         string
		} `json:"AcsEventTotalNumCond"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if json.Unmarshal(body, &req) != nil || req.Cond == nil {
		writeJSON(w, http.StatusBadRequest, isapiError("MessageParametersLack"))
		return
	}
	c := req.Cond
	g.mu.Lock()
	g.rollDay()
	n := 0
	if (c.Major == 5 || c.Major == 0) && (c.Minor == 75 || c.Minor == 0) {
		for reader, k := range g.passes {
			if c.CardReaderNo == 0 || c.CardReaderNo == reader {
				n += k
			}
		}
	}
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"AcsEventTotalNum": map[string]any{"totalNum": n}})
}

// isapiError is ISAPI's JSON error answer.
func isapiError(sub string) map[string]any {
	return map[string]any{"statusCode": 6, "statusString": "Invalid Content", "subStatusCode": sub}
}

// HikvisionBarrier is the barrier of a Hikvision entrance/exit camera:
//
//	GET /ISAPI/Parking/channels/1/barrierGate/barrierGateStatus → XML <barrierGateStatus>
//	PUT /ISAPI/Parking/channels/1/barrierGate  <BarrierGate><ctrlMode>open|close</ctrlMode></BarrierGate>
//
// Sources: barrierGateStatus 0 no signal, 1 closed in place, 2 open in
// place (fs#13542481076); the PUT (fs#17464871003). Guessed: that the
// status element is the document's root.
type HikvisionBarrier struct {
	Box
	mu     sync.Mutex
	status int
}

// NewHikvisionBarrier starts a barrier on addr, closed in place.
func NewHikvisionBarrier(addr string) (*HikvisionBarrier, error) {
	b := &HikvisionBarrier{status: 1}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ISAPI/Parking/channels/1/barrierGate/barrierGateStatus", b.get)
	mux.HandleFunc("PUT /ISAPI/Parking/channels/1/barrierGate", b.put)
	return b, b.start(addr, mux)
}

// SetStatus sets barrierGateStatus: 0 no signal, 1 closed, 2 open.
func (b *HikvisionBarrier) SetStatus(s int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.status = s
}

// Status is the barrier's barrierGateStatus.
func (b *HikvisionBarrier) Status() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.status
}

func (b *HikvisionBarrier) get(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/xml")
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<barrierGateStatus>%d</barrierGateStatus>\n", b.Status())
}

func (b *HikvisionBarrier) put(w http.ResponseWriter, r *http.Request) {
	var req struct {
		CtrlMode string `xml:"ctrlMode"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err := xmlUnmarshal(body, &req); err != nil || (req.CtrlMode != "open" && req.CtrlMode != "close") {
		http.Error(w, "<ResponseStatus><statusCode>6</statusCode><subStatusCode>badXmlContent</subStatusCode></ResponseStatus>",
			http.StatusBadRequest)
		return
	}
	b.SetStatus(map[string]int{"open": 2, "close": 1}[req.CtrlMode])
	w.Header().Set("Content-Type", "application/xml")
	_, _ = io.WriteString(w, "<ResponseStatus><statusCode>1</statusCode><statusString>OK</statusString></ResponseStatus>")
}
