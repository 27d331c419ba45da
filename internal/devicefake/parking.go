package devicefake

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"
)

// ParkingServer serves free and total spaces per lot in the layout of
// Hikvision iSecure Center's POST /artemis/api/pms/v1/park/remainSpaceNum
// ({"parkSyscode":""} for every lot) → {"code":"0","msg":"success","data":
// [{"parkSyscode","parkName","totalPlace","leftPlace"}]} [fs#23770990734,
// fs#18224809738]. It does not check Artemis' AK/SK signature (the shipped
// profile does not sign).
type ParkingServer struct {
	Box
	mu   sync.Mutex
	lots []ParkingLot
}

// ParkingLot is one lot.
type ParkingLot struct {
	Code  string // parkSyscode
	Name  string // parkName
	Total int
	Free  int
}

// NewParkingServer starts a server with the given lots.
func NewParkingServer(addr string, lots ...ParkingLot) (*ParkingServer, error) {
	p := &ParkingServer{lots: slices.Clone(lots)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /artemis/api/pms/v1/park/remainSpaceNum", p.remain)
	return p, p.start(addr, mux)
}

// SetFree sets a lot's free spaces (clamped to 0..total).
func (p *ParkingServer) SetFree(code string, free int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.lots {
		if p.lots[i].Code == code {
			p.lots[i].Free = min(max(free, 0), p.lots[i].Total)
		}
	}
}

// Lots returns the lots.
func (p *ParkingServer) Lots() []ParkingLot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.lots)
}

func (p *ParkingServer) remain(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ParkSyscode string `json:"parkSyscode"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if json.Unmarshal(body, &req) != nil {
		writeJSON(w, http.StatusOK, map[string]any{"code": "0x02401003", "msg": "parameter error"})
		return
	}
	data := []map[string]any{}
	for _, l := range p.Lots() {
		if req.ParkSyscode == "" || req.ParkSyscode == l.Code {
			data = append(data, map[string]any{"parkSyscode": l.Code, "parkName": l.Name,
				"totalPlace": l.Total, "leftPlace": l.Free})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": "0", "msg": "success", "data": data})
}
