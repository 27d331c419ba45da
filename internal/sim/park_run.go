package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/internal/sim/rtspsrv"
)

// ParkOptions add the Swan Lake scenic area (天鹅湖景区) to the simulation:
// RTSP cameras with snapshots, recorders, gates, barriers with plate cameras,
// LED screens, parking, WiFi and broadcast (park_*.go).
type ParkOptions struct {
	// SecretsDir is where the park writes its devices' passwords and SNMP
	// community, one file each (mode 0600); the inventory names them in
	// password_file and community_file. Required.
	SecretsDir string
	// PlatePushURL receives the plate cameras' Vzenith JSON pushes (POST),
	// e.g. the device collector's receiver with its token; empty: no pushes
	// until SetPlatePushURL names one.
	PlatePushURL string
	// RTSPListen is the cameras' RTSP listener; default 127.0.0.1:0.
	RTSPListen string
}

// park is the running scenic area.
type park struct {
	opts ParkOptions
	seed int64
	now  func() time.Time
	log  *slog.Logger
	host string // SNMP and SIP bind address

	clips     map[string]*parkClip
	cams      []*parkCam
	camByName map[string]*parkCam
	demo      *parkCam // the camera the story knocks aside
	rtsp      *rtspsrv.Server
	crowd     *visitors
	nvrs      []*parkNVR
	gates     map[string]*jamSpans
	agents    []*parkAgent
	pa        []*paTerminal
	plates    []*plateCam
	devPass   map[string]string // turnstile and barrier logins
	boxes     *parkBoxes        // the vendor fakes, from listen on

	pushURL   atomic.Pointer[string] // SetPlatePushURL; else opts.PlatePushURL
	started   time.Time              // a frozen camera's clock stops here
	mu        sync.Mutex
	listening bool
}

func newPark(o Options) (*park, error) {
	po := *o.Park
	if po.SecretsDir == "" {
		return nil, errors.New("sim options: the park needs a secrets directory for its devices' passwords")
	}
	if po.RTSPListen == "" {
		po.RTSPListen = "127.0.0.1:0"
	}
	host := o.SNMPHost
	if host == "" {
		host = "127.0.0.1"
	}
	p := &park{opts: po, seed: o.Seed, now: o.Now, started: o.Now(), log: o.Logger, host: host, camByName: map[string]*parkCam{},
		crowd: newVisitors(o.Seed), gates: map[string]*jamSpans{}}
	var err error
	if p.clips, err = loadParkClips(); err != nil {
		return nil, err
	}
	p.rtsp = rtspsrv.New(rtspsrv.Options{Listen: po.RTSPListen, Realm: "IP Camera", Logger: o.Logger, Now: o.Now})
	if err := p.buildCameras(); err != nil {
		return nil, err
	}
	if err := p.buildNVRs(); err != nil {
		return nil, err
	}
	for _, g := range parkGates {
		p.gates[g.Name] = &jamSpans{}
	}
	p.buildAgents()
	p.buildPA()
	p.plates = plateCams(o.Seed)
	p.devPass = devicePasswords(o.Seed)
	if err := p.writeSecrets(); err != nil {
		return nil, err
	}
	return p, nil
}

// listen binds every socket of the park; on failure it closes what it bound.
func (p *park) listen() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.listening {
		return nil
	}
	var undo []func()
	fail := func(err error) error {
		for _, u := range undo {
			u()
		}
		return err
	}
	if err := p.rtsp.Start(); err != nil {
		return err
	}
	undo = append(undo, p.rtsp.Close)
	for _, n := range p.nvrs {
		if err := n.listen(); err != nil {
			return fail(err)
		}
		undo = append(undo, n.unlisten)
	}
	for _, a := range p.agents {
		if err := a.listen(p.host); err != nil {
			return fail(err)
		}
		undo = append(undo, a.close)
	}
	for _, t := range p.pa {
		if err := t.listen(p.host); err != nil {
			return fail(err)
		}
		undo = append(undo, t.close)
	}
	if err := p.openBoxes(); err != nil {
		return fail(fmt.Errorf("park devices: %w", err))
	}
	p.listening = true
	p.log.Info("simulated scenic area listening", "rtsp", p.rtsp.Addr(), "cameras", len(p.cams))
	return nil
}

// unlisten closes what listen bound, for a Start that fails after it.
func (p *park) unlisten() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rtsp.Close()
	for _, n := range p.nvrs {
		n.unlisten()
	}
	for _, a := range p.agents {
		a.close()
	}
	for _, t := range p.pa {
		t.close()
	}
	if p.boxes != nil {
		p.boxes.close()
	}
	p.listening = false
}

// serve runs the park until the returned stop is called, which closes every
// socket and waits for every goroutine.
func (p *park) serve() (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	run := func(f func()) { wg.Go(f) }
	run(func() { p.runRTSP(done) })
	for _, n := range p.nvrs {
		run(func() { n.serve(done) })
	}
	for _, a := range p.agents {
		run(func() { a.serve(p) })
	}
	for _, t := range p.pa {
		run(func() { t.serve() })
	}
	run(func() { p.reconcileLoop(done) })
	run(func() { p.syncLoop(done) })
	run(func() { p.pushPlates(done) })
	return func() {
		close(done)
		for _, a := range p.agents {
			a.close()
		}
		for _, t := range p.pa {
			t.close()
		}
		wg.Wait()
		p.boxes.close()
	}
}

func (p *park) runRTSP(done <-chan struct{}) {
	ctx, cancel := contextUntil(done)
	defer cancel()
	if err := p.rtsp.Run(ctx); err != nil {
		p.log.Error("park RTSP server stopped", "err", err)
	}
}

// wrap puts the park's HTTP routes in front of the simulator's: snapshots
// under /park/cam/ and the park's controls under /control/park/.
func (p *park) wrap(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /park/cam/{name}/ISAPI/Streaming/channels/101/picture", p.serveSnapshot)
	mux.HandleFunc("/control/park/", p.serveControl)
	mux.HandleFunc("GET /control/park", p.serveControlState)
	mux.Handle("/", next)
	return mux
}

// writeSecrets writes each device's password (and the park's SNMP community)
// to its own file, readable by the owner only.
func (p *park) writeSecrets() error {
	if err := os.MkdirAll(p.opts.SecretsDir, 0o700); err != nil {
		return fmt.Errorf("park secrets: %w", err)
	}
	for name, secret := range p.secrets() {
		if err := os.WriteFile(p.secretFile(name), []byte(secret+"\n"), 0o600); err != nil {
			return fmt.Errorf("park secrets: %w", err)
		}
	}
	return nil
}

func (p *park) secretFile(name string) string {
	return filepath.Join(p.opts.SecretsDir, "park-"+name+".secret")
}
