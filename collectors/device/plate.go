package device

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// Bounds of the receiver's memory.
const (
	maxCameras    = 500              // camera states; more are refused
	dedupPerCam   = 10000            // reads remembered per camera (a camera stores up to 9000 offline)
	openWindow    = 60 * time.Second // a barrier that opens later is not this read's
	cameraForget  = 24 * time.Hour   // a camera silent this long is forgotten
	pruneInterval = time.Hour
)

// PlateReceiver takes the plate cameras' pushes. Cameras cannot log in, so
// each push carries the token of push_token_file, as ?token= in the push URL
// or as the password of HTTP basic auth. It counts plate reads per camera
// (re-sent and offline records de-duplicated), keeps the last heartbeat, and
// measures how long after a read the barrier's open-position input (an
// AlarmGioIn) fired. The device collector reads it for the camera's target
// every round.
type PlateReceiver struct {
	token       *tokenFile
	maxBytes    int64
	openBarrier bool
	log         *slog.Logger
	now         func() time.Time
	started     time.Time

	mu        sync.Mutex
	cams      map[string]*camState // by serialno, or "ip:" + ipaddr
	byIP      map[string]string    // ipaddr → key in cams, for targets without serialno
	lastPrune time.Time
	lastWarn  time.Time // of an unreadable token file: once a minute, not per push
}

// camState is what the receiver knows of one camera.
type camState struct {
	ip       string
	lastSeen time.Time

	reads map[int64]float64 // direction code → reads counted
	dedup dedup

	lastRead time.Time            // the last online read
	measured map[[2]int64]bool    // (IO source, value) already timed for lastRead
	latency  map[[2]int64]float64 // (IO source, value) → seconds from a read, last measured
}

func newPlateReceiver(cfg Config, log *slog.Logger, now func() time.Time) (*PlateReceiver, error) {
	p := &PlateReceiver{maxBytes: cfg.PushMaxBytes, openBarrier: cfg.PushOpenBarrier, log: log, now: now,
		started: now(), cams: map[string]*camState{}, byIP: map[string]string{}}
	if cfg.PushTokenFile != "" {
		p.token = &tokenFile{path: cfg.PushTokenFile}
		if _, err := p.token.get(); err != nil {
			return nil, fmt.Errorf("push_token_file: %w", err)
		}
	}
	return p, nil
}

// ServeHTTP handles one push (POST).
func (p *PlateReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if !p.authorized(r) {
		mPushRejected.Inc()
		w.Header().Set("WWW-Authenticate", `Basic realm="swanwatch-push"`)
		http.Error(w, "push token required", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, p.maxBytes))
	if err != nil {
		mPushTooLarge.Inc()
		http.Error(w, fmt.Sprintf("push larger than %d bytes", p.maxBytes), http.StatusRequestEntityTooLarge)
		return
	}
	msg, err := parsePush(r.Header.Get("Content-Type"), body)
	if err != nil {
		mPushBad.Inc()
		p.log.Debug("bad push", "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	reply, err := p.take(msg)
	if err != nil {
		mPushUnknown.Inc()
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(reply)
}

// authorized checks the push token in the query or as the basic password.
func (p *PlateReceiver) authorized(r *http.Request) bool {
	if p.token == nil {
		return false
	}
	want, err := p.token.get()
	if err != nil {
		p.warnToken(err)
		return false
	}
	got := r.URL.Query().Get("token")
	if _, pass, ok := r.BasicAuth(); ok {
		got = pass
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want.Reveal())) == 1
}

func (p *PlateReceiver) warnToken(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := p.now(); now.Sub(p.lastWarn) > time.Minute {
		p.lastWarn = now
		p.log.Warn("push token file unreadable: every plate camera push is refused", "err", err)
	}
}

// take files a push and returns the camera's reply.
func (p *PlateReceiver) take(m pushMsg) (any, error) {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.prune(now)
	c, err := p.camera(m)
	if err != nil {
		return nil, err
	}
	c.lastSeen = now
	switch m.kind {
	case pushHeartbeat:
		mPushHeartbeats.Inc()
	case pushGioIn:
		mPushIO.Inc()
		c.gioIn(m, now)
	case pushPlate:
		c.plate(m, now)
		return p.plateReply(m), nil
	default:
		mPushOther.Inc()
	}
	return struct{}{}, nil
}

// camera returns the state of the push's camera, creating it when there is
// room.
func (p *PlateReceiver) camera(m pushMsg) (*camState, error) {
	key := m.serial
	if key == "" {
		key = "ip:" + m.ip
	}
	c := p.cams[key]
	if c == nil {
		if len(p.cams) >= maxCameras {
			return nil, fmt.Errorf("more than %d cameras push here", maxCameras)
		}
		c = &camState{reads: map[int64]float64{}, measured: map[[2]int64]bool{}, latency: map[[2]int64]float64{},
			dedup: newDedup(dedupPerCam)}
		p.cams[key] = c
	}
	if m.ip != "" && m.ip != c.ip {
		if c.ip != "" && p.byIP[c.ip] == key {
			delete(p.byIP, c.ip)
		}
		c.ip = m.ip
		p.byIP[m.ip] = key
	}
	return c, nil
}

// plate counts a read once: a camera re-sends a read it got no answer for,
// and may send an offline record twice (its protocol says so); plateid with
// the read's own time tells a repeat from a new read after a restart that
// reset the ids.
func (c *camState) plate(m pushMsg, now time.Time) {
	if m.hasPlateID && !c.dedup.add(readKey(m)) {
		mPushDuplicates.Inc()
		return
	}
	mPushPlates.Inc()
	if m.offline {
		mPushOffline.Inc()
	}
	if m.license == noPlate {
		return // a trigger without a readable vehicle
	}
	c.reads[m.direction]++
	if !m.offline {
		c.lastRead = now
		clear(c.measured)
	}
}

// readKey identifies a read for de-duplication.
func readKey(m pushMsg) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d.%d/%s", m.plateID, m.sec, m.usec, m.license)
	return h.Sum64()
}

// noPlate is what the camera reports when it saw no plate.
const noPlate = "_无_"

// gioIn measures read → input change: the first change of each input after
// a read, within openWindow.
func (c *camState) gioIn(m pushMsg, now time.Time) {
	key := [2]int64{m.source, m.value}
	if c.lastRead.IsZero() || now.Sub(c.lastRead) > openWindow || c.measured[key] {
		return
	}
	if _, known := c.latency[key]; !known && len(c.latency) >= 16 {
		return // inputs are 0-4 with two values; more is a confused camera
	}
	c.measured[key] = true
	c.latency[key] = now.Sub(c.lastRead).Seconds()
}

// plateReply acknowledges a read. An online read is answered with its
// plateid (the protocol asks for it) and info "no", which does not open the
// barrier, unless push_open_barrier is set; an offline record is answered
// with ContinuePushOffline so the camera sends the next one.
func (p *PlateReceiver) plateReply(m pushMsg) any {
	type cont struct {
		PlateID  int64 `json:"plateid"`
		Continue int   `json:"continue"`
	}
	type resp struct {
		Info     string `json:"info,omitempty"`
		PlateID  *int64 `json:"plateid,omitempty"`
		Continue *cont  `json:"ContinuePushOffline,omitempty"`
	}
	r := resp{}
	switch {
	case m.offline:
		r.Continue = &cont{PlateID: m.plateID, Continue: 1}
	default:
		r.Info = "no"
		if p.openBarrier {
			r.Info = "ok"
		}
		if m.hasPlateID {
			r.PlateID = &m.plateID
		}
	}
	return map[string]resp{"Response_AlarmInfoPlate": r}
}

func (p *PlateReceiver) prune(now time.Time) {
	if now.Sub(p.lastPrune) < pruneInterval {
		return
	}
	p.lastPrune = now
	for k, c := range p.cams {
		if now.Sub(c.lastSeen) > cameraForget {
			delete(p.cams, k)
			if p.byIP[c.ip] == k {
				delete(p.byIP, c.ip)
			}
		}
	}
}

// tokenFile reads the push token, again whenever the file changes.
type tokenFile struct {
	path string
	mu   sync.Mutex
	tok  secret.Secret
	mod  time.Time
	size int64
}

func (t *tokenFile) get() (secret.Secret, error) {
	st, err := os.Stat(t.path)
	if err != nil {
		return "", fmt.Errorf("push token: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != "" && st.ModTime().Equal(t.mod) && st.Size() == t.size {
		return t.tok, nil
	}
	tok, err := readToken(t.path)
	if err != nil {
		return "", err
	}
	t.tok, t.mod, t.size = tok, st.ModTime(), st.Size()
	return tok, nil
}

// readToken reads a push token file; a token shorter than 16 characters is
// too easy to guess for an open route.
func readToken(path string) (secret.Secret, error) {
	tok, err := secret.FromFile(path)
	if err != nil {
		return "", err
	}
	if len(tok.Reveal()) < 16 {
		return "", errors.New("the push token must be at least 16 characters")
	}
	return tok, nil
}

// dedup remembers the last n keys (hashes: a key costs 16 bytes).
type dedup struct {
	set  map[uint64]struct{}
	ring []uint64
	next int
	n    int
}

func newDedup(n int) dedup { return dedup{set: map[uint64]struct{}{}, n: n} }

// add reports whether key is new, and remembers it.
func (d *dedup) add(key uint64) bool {
	if _, ok := d.set[key]; ok {
		return false
	}
	if len(d.ring) < d.n {
		d.ring = append(d.ring, key)
	} else {
		delete(d.set, d.ring[d.next])
		d.ring[d.next] = key
		d.next = (d.next + 1) % d.n
	}
	d.set[key] = struct{}{}
	return true
}
