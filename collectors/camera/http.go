package camera

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/internal/vqd"
)

// The handlers below are mounted by the route table (internal/app) with their roles; none
// registers itself. Every one takes the camera as ?camera=NAME (the inventory's target name).

// ServeThumb (GET ?camera=) answers the JPEG thumbnail of the camera's last frame; its time is in
// the X-Frame-Time header (RFC 3339).
func (c *Collector) ServeThumb(w http.ResponseWriter, r *http.Request) {
	name, ok := c.camera(w, r)
	if !ok {
		return
	}
	b, at, err := c.store.Thumb(name)
	servePicture(w, b, at, err)
}

// ServeEvidence (GET ?camera=&fault=&at=UNIX) answers the evidence picture of a fault: the newest
// taken at or before at, or the newest of all without at.
func (c *Collector) ServeEvidence(w http.ResponseWriter, r *http.Request) {
	name, ok := c.camera(w, r)
	if !ok {
		return
	}
	f := vqd.Fault(r.URL.Query().Get("fault"))
	if !knownFault(f) {
		http.Error(w, "unknown fault (want a fault id of docs/swanlake.md)", http.StatusBadRequest)
		return
	}
	var at time.Time
	if s := r.URL.Query().Get("at"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil || sec < 0 || sec > 1<<40 {
			http.Error(w, "at must be a unix time in seconds", http.StatusBadRequest)
			return
		}
		at = time.Unix(sec, 0)
	}
	b, taken, err := c.store.Evidence(name, f, at)
	servePicture(w, b, taken, err)
}

// ServeReference (GET ?camera=&profile=day|night) answers the reference snapshot (基准画面);
// X-Reference-Provisional says whether an operator has confirmed it. Without a profile, the one
// that judged the camera's last frame: the reference a 画面偏移 of now was judged against.
func (c *Collector) ServeReference(w http.ResponseWriter, r *http.Request) {
	name, ok := c.camera(w, r)
	if !ok {
		return
	}
	profile := r.URL.Query().Get("profile")
	if profile == "" {
		profile = c.profileNow(name)
	}
	if profile != "day" && profile != "night" {
		http.Error(w, "profile must be day or night", http.StatusBadRequest)
		return
	}
	b, m, err := c.store.Reference(name, profile)
	if err == nil {
		w.Header().Set("X-Reference-Provisional", strconv.FormatBool(m.Provisional))
	}
	servePicture(w, b, m.At, err)
}

// ConfirmReference (POST ?camera=) makes the camera's last frame its reference snapshot for the
// profile (day or night) that judged the frame, and answers the RefMeta as JSON.
func (c *Collector) ConfirmReference(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	name, ok := c.camera(w, r)
	if !ok {
		return
	}
	m, err := c.store.Confirm(name)
	if errors.Is(err, ErrNoPicture) {
		http.Error(w, "该摄像机还没有画面，无法确认基准画面", http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, "保存基准画面失败", http.StatusInternalServerError)
		return
	}
	writeJSON(w, struct {
		Camera string `json:"camera"`
		RefMeta
	}{name, m})
}

// camera reads and checks ?camera=: a name of printable characters, at most 256 bytes, that a
// round has seen (or, with a store, that has pictures).
func (c *Collector) camera(w http.ResponseWriter, r *http.Request) (string, bool) {
	name := r.URL.Query().Get("camera")
	if !validName(name) {
		http.Error(w, "camera must be a camera's name", http.StatusBadRequest)
		return "", false
	}
	if c.store == nil {
		http.Error(w, "no picture store", http.StatusNotFound)
		return "", false
	}
	return name, true
}

// profileNow is the profile (day or night) of the camera's last diagnosis; day before any.
func (c *Collector) profileNow(name string) string {
	c.mu.Lock()
	s := c.cams[name]
	c.mu.Unlock()
	if s == nil {
		return "day"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.night {
		return "night"
	}
	return "day"
}

func validName(s string) bool {
	if s == "" || len(s) > 256 || !utf8.ValidString(s) || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

func knownFault(f vqd.Fault) bool {
	for _, k := range vqd.Faults() {
		if k == f {
			return true
		}
	}
	return false
}

func servePicture(w http.ResponseWriter, b []byte, at time.Time, err error) {
	if err != nil {
		http.Error(w, "no such picture", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "no-store")
	if !at.IsZero() {
		w.Header().Set("X-Frame-Time", at.UTC().Format(time.RFC3339))
	}
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

// CameraStatus is one camera in ServeStatus.
type CameraStatus struct {
	Camera     string        `json:"camera"`
	Online     bool          `json:"online"`
	Error      string        `json:"error,omitempty"`      // Chinese, e.g. 认证失败：摄像机拒绝了用户名或密码（RTSP 401）
	ErrorKind  FailureKind   `json:"error_kind,omitempty"` // auth, timeout, refused, address, no_frames, ...
	LastRound  time.Time     `json:"last_round"`
	Codec      string        `json:"codec,omitempty"`
	Resolution string        `json:"resolution,omitempty"`
	FPS        float64       `json:"fps"`
	Faults     []FaultStatus `json:"faults"`
	VQDEnabled bool          `json:"vqd_enabled"`
	VQDReason  string        `json:"vqd_reason,omitempty"` // 未启用：无解码器, or why the last diagnosis had no frame
	VQDSource  string        `json:"vqd_source,omitempty"` // snapshot or rtsp
	VQDAge     *float64      `json:"vqd_age_seconds,omitempty"`
	Night      bool          `json:"night"`
	ThumbAge   *float64      `json:"thumb_age_seconds,omitempty"`
}

// FaultStatus is one fault that is on.
type FaultStatus struct {
	ID   vqd.Fault `json:"id"`
	Name string    `json:"name"` // 黑屏, 画面冻结, ...
}

// Status returns every camera a round has seen, sorted by name.
func (c *Collector) Status() []CameraStatus {
	c.mu.Lock()
	cams := make([]*camState, 0, len(c.cams))
	for _, s := range c.cams {
		cams = append(cams, s)
	}
	c.mu.Unlock()
	now := c.now()
	out := make([]CameraStatus, 0, len(cams))
	for _, s := range cams {
		out = append(out, c.status(s, now))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Camera < out[j].Camera })
	return out
}

func (c *Collector) status(s *camState, now time.Time) CameraStatus {
	s.mu.Lock()
	cs := CameraStatus{Camera: s.name, Online: s.online, Error: s.err, ErrorKind: s.errKind, LastRound: s.roundAt,
		Codec: s.codec, Resolution: s.resolution, FPS: s.fps, Faults: []FaultStatus{}, VQDSource: s.vqdSource,
		VQDReason: s.vqdReason, Night: s.night}
	if !s.thumbAt.IsZero() {
		age := now.Sub(s.thumbAt).Seconds()
		cs.ThumbAge = &age
	}
	cs.VQDEnabled = s.enabled
	if s.result != nil {
		age := now.Sub(s.resultAt).Seconds()
		cs.VQDAge = &age
		for _, f := range vqd.Faults() {
			if s.result.Faults[f] {
				cs.Faults = append(cs.Faults, FaultStatus{f, f.Chinese()})
			}
		}
	}
	s.mu.Unlock()
	return cs
}

// ServeStatus (GET) answers Status as JSON.
func (c *Collector) ServeStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, c.Status())
}
