package devicefake

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"time"
)

// cstZone is China Standard Time, the devices' clock.
var cstZone = time.FixedZone("CST", 8*3600)

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func xmlUnmarshal(b []byte, v any) error { return xml.Unmarshal(b, v) }
