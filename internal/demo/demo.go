package demo

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors/syslog"
	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/sim"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// Options start the simulated estate and say how the server that watches it runs.
type Options struct {
	DataDir string // "" makes a temporary directory
	Listen  string
	VMs     int
	// WANScale sizes the simulated WAN: 1 is the reference estate (~2,500
	// devices, ~1,800 links), 0 none; the demo default is 0.1.
	WANScale float64
	Out      io.Writer // where the URL and the one-time login are printed
	Logger   *slog.Logger
	Reload   <-chan struct{}
	// Interval of agent rounds and rule evaluation; default 15s.
	Interval time.Duration
	// Ready, when set, is called with the server's and the simulator's base URLs and the
	// admin password (tests).
	Ready func(url, simURL, password string)
	// FaultAfter is when the demo's town uplink fails (default 2m; negative:
	// never), FaultFor how long it stays down (default 10m).
	FaultAfter, FaultFor time.Duration
	// ParkStoryAfter is when a camera of the scenic area is knocked aside
	// (default 4m; negative: never); a gate jams a minute later.
	ParkStoryAfter time.Duration
	// CloudStoryAfter is when a hypervisor host of the cloud fails and HA
	// restarts its VMs (default 6m; negative: never).
	CloudStoryAfter time.Duration
	// SecurityStoryAfter is when an outside address scans the border
	// firewall (default 8m; negative: never).
	SecurityStoryAfter time.Duration
	// WallDwell, when set, is how long the demo wall shows each scene (default 1m).
	WallDwell time.Duration
	// WallReady, when set, is called with the wall's login URL (tests).
	WallReady func(loginURL string)
	// OnMessage, when set, sees every message the demo's robot and SMS
	// gateway receive (tests).
	OnMessage func(channel, text string)
}

// Duty is the account the demo prints a one-time password for: the duty
// operator (运维人员), who sees every page, acknowledges and silences. Since
// MLPS separation (issue 13) no account does everything; the three
// administrators are made with `swanwatch user add` and log in with TOTP.
const Duty = "duty"

// Actor is one part that runs beside the server (the simulator, the
// scripted fault) and stops with it.
type Actor struct {
	Run  func() error
	Stop func(error)
}

// City is a prepared demo: the built-in configuration the server runs on,
// the parts that run beside it, the banner to print once it listens, and
// Close for what Prepare opened (the robot).
type City struct {
	Config *config.Config
	Actors []Actor
	Ready  func(url string)
	Close  func()
}

// Prepare starts the simulated city and the demo's robot, and builds the
// configuration that watches them, with a freshly generated admin password
// printed by Ready. cmd/swanwatch runs the server on it (internal/app), so
// the demo is the real server on a simulated city, nothing else.
func Prepare(ctx context.Context, o Options) (*City, error) {
	dir, err := dataDir(o.DataDir)
	if err != nil {
		return nil, err
	}
	o.Out = &lockedWriter{w: o.Out}
	robot, err := startRobot(o.Out, o.OnMessage)
	if err != nil {
		return nil, err
	}
	city, err := prepare(ctx, o, dir, robot)
	if err != nil {
		robot.close()
		return nil, err
	}
	return city, nil
}

func prepare(ctx context.Context, o Options, dir string, robot *robot) (*City, error) {
	trapAddr, err := freeAddr("udp")
	if err != nil {
		return nil, err
	}
	syslogUDP, err := freeAddr("udp")
	if err != nil {
		return nil, err
	}
	syslogTCP, err := freeAddr("tcp")
	if err != nil {
		return nil, err
	}
	pushToken, err := writePushToken(dir)
	if err != nil {
		return nil, err
	}
	s, err := sim.New(sim.Options{VMs: o.VMs, Seed: 1, Logger: o.Logger.With("part", "sim"),
		FaultEvery: 3 * time.Minute, WANScale: o.WANScale, TrapTarget: trapAddr, TrapCommunity: community,
		Park:  &sim.ParkOptions{SecretsDir: filepath.Join(dir, "park-secrets")},
		Cloud: &sim.CloudOptions{SecretsDir: filepath.Join(dir, "cloud-secrets")},
		Logs:  &sim.LogOptions{UDP: syslogUDP, TCP: syslogTCP, SecretsDir: filepath.Join(dir, "log-secrets")}})
	if err != nil {
		return nil, fmt.Errorf("build the simulated estate: %w", err)
	}
	if err := s.Start(); err != nil {
		return nil, fmt.Errorf("start the simulated estate: %w", err)
	}
	listen := o.Listen
	if strings.HasSuffix(listen, ":0") {
		// The links in messages carry the server's address: known before it listens.
		if listen, err = freeAddr("tcp"); err != nil {
			return nil, err
		}
	}
	cfg := builtinConfig(dir, listen, "http://"+s.Addr()+"/inventory", o.Interval)
	cfg.Traps.Listen, cfg.Traps.Communities = trapAddr, []config.Secret{community}
	cfg.Syslog = &config.Syslog{Config: syslog.Config{UDP: syslogUDP, TCP: syslogTCP}}
	cfg.Collectors.Device.PushTokenFile = pushTokenFile(dir)
	jobsCfg, jobTokens, err := demoJobs(dir)
	if err != nil {
		return nil, err
	}
	cfg.Jobs = jobsCfg
	if o.WallDwell > 0 {
		cfg.Bigscreen.Screens[0].Dwell = o.WallDwell
	}
	if cfg.Alerting, err = alerting(robot.url(), robot.hooks, time.Now()); err != nil {
		return nil, err
	}
	password, screenToken, err := resetAdmin(ctx, cfg, o.Logger)
	if err != nil {
		return nil, err
	}
	simCtx, stopSim := context.WithCancel(context.Background())
	return &City{Config: cfg, Close: robot.close,
		Ready: func(url string) {
			// the plate cameras push to the server, whose address is known only now
			s.SetPlatePushURL(url + "/api/v1/push/plate?token=" + pushToken)
			s.SetJobPushURL(url, jobTokens) // the backups check in as a backup script would
			robot.hooks.server.Store(&url)  // the phone platforms report back to the server
			printBanner(o, url, password, screenToken, dir, s.Addr())
		},
		Actors: []Actor{{Run: func() error { return s.Run(simCtx) }, Stop: func(error) { stopSim() }},
			uplinkFault(s, cmp.Or(o.FaultAfter, 2*time.Minute), cmp.Or(o.FaultFor, 10*time.Minute), o.Out),
			parkStory(s, cmp.Or(o.ParkStoryAfter, 4*time.Minute), o.Out),
			cloudStory(s, cmp.Or(o.CloudStoryAfter, 6*time.Minute), o.Out),
			securityStory(s, cmp.Or(o.SecurityStoryAfter, 8*time.Minute), o.Out)}}, nil
}

// community is the SNMP community the simulator's traps carry.
const community = "demo-traps"

// lockedWriter lets the robot, the scenario and the banner share one terminal.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w == nil {
		return len(p), nil
	}
	return l.w.Write(p)
}

func dataDir(dir string) (string, error) {
	if dir != "" {
		return dir, os.MkdirAll(dir, 0o750)
	}
	dir, err := os.MkdirTemp("", "swanwatch-demo-")
	if err != nil {
		return "", fmt.Errorf("create a data directory: %w", err)
	}
	return dir, nil
}

// builtinConfig is the built-in configuration: the defaults, the estate from the
// simulator's inventory export, and shorter intervals so the city comes alive
// within a minute.
func builtinConfig(dir, listen, inventoryURL string, interval time.Duration) *config.Config {
	if interval <= 0 {
		interval = 15 * time.Second
	}
	cfg := config.Default()
	cfg.Storage.Path = dir
	cfg.Server.Listen = listen
	cfg.Server.ExternalURL = "http://" + listen // links in the demo's messages
	cfg.Inventory.HTTP = []inventory.HTTPSource{{URL: inventoryURL, Interval: time.Minute}}
	cfg.Collectors.Agent.Interval = interval
	cfg.Collectors.Agent.Timeout = interval / 3
	cfg.Collectors.SNMP.Interval = interval
	cfg.Collectors.SNMP.Timeout = interval * 2 / 3
	cfg.Collectors.SNMP.RequestTimeout = min(cfg.Collectors.SNMP.RequestTimeout, cfg.Collectors.SNMP.Timeout)
	cfg.Collectors.Link.Interval = interval
	cfg.Collectors.Link.Timeout = interval / 3
	// A probe round sends 20 packets 100 ms apart and waits for the last reply.
	probe := max(interval, 10*time.Second)
	cfg.Collectors.Netprobe.Interval = probe
	cfg.Collectors.Netprobe.Timeout = probe * 2 / 3
	cfg.Rules.EvaluationInterval = interval
	parkConfig(cfg, interval)
	return cfg
}

// screenTokenName names the demo wall's screen token.
const screenTokenName = "演示大屏"

// resetAdmin creates the duty operator, or gives it a new password when the
// data directory is reused, and a fresh screen token for the wall; both are
// only ever printed, never stored clear.
//
// The changes are in the audit trail like any console account command's; the
// demo's trail is never keyed (its configuration has no audit.key_file).
// Only cmd imports internal/app (internal/archtest), so this is not app.OpenConsole.
func resetAdmin(ctx context.Context, cfg *config.Config, logger *slog.Logger) (password, screen string, err error) {
	if err := os.MkdirAll(cfg.Storage.Path, 0o750); err != nil {
		return "", "", fmt.Errorf("create %s: %w", cfg.Storage.Path, err)
	}
	db, err := statestore.Open(cfg.Storage.StateFile(), logger)
	if err != nil {
		return "", "", fmt.Errorf("open state store: %w", err)
	}
	defer db.Close()
	svc := auth.New(db, auth.Options{Logger: logger, Audit: audit.New(db, logger)})
	password = oneTimePassword()
	err = svc.AddUser(ctx, Duty, auth.RoleOperator, password)
	if errors.Is(err, auth.ErrUserExists) {
		err = svc.SetPassword(ctx, Duty, password)
	}
	if err != nil {
		return "", "", fmt.Errorf("set up the demo's duty operator: %w", err)
	}
	screen, err = wallToken(ctx, svc, filepath.Join(cfg.Storage.Path, "demo-wall.token"))
	return password, screen, err
}

// wallToken keeps the demo wall's screen token in the data directory
// (mode 0600), so a wall left open across a demo restart reconnects by
// itself instead of being locked out by a new token.
func wallToken(ctx context.Context, svc *auth.Service, file string) (string, error) {
	if b, err := os.ReadFile(file); err == nil && len(b) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	_ = svc.RevokeScreenToken(ctx, screenTokenName) // its secret is lost with the file
	token, err := svc.CreateScreenToken(ctx, screenTokenName)
	if err != nil {
		return "", fmt.Errorf("set up the demo wall's screen token: %w", err)
	}
	if err := os.WriteFile(file, []byte(token), 0o600); err != nil {
		return "", fmt.Errorf("keep the demo wall's screen token: %w", err)
	}
	return token, nil
}

// oneTimePassword returns 16 characters from an alphabet without look-alikes,
// always with upper, lower and digits so it passes the password policy.
func oneTimePassword() string {
	const lower, upper, digits = "abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"
	all := lower + upper + digits
	b := []byte(rand.Text()) // 26 base32 characters of crypto randomness
	out := make([]byte, 16)
	for i := range out {
		out[i] = all[int(b[i])%len(all)]
	}
	out[0], out[1], out[2] = lower[int(b[16])%len(lower)], upper[int(b[17])%len(upper)], digits[int(b[18])%len(digits)]
	return string(out)
}

func printBanner(o Options, url, password, screenToken, dir, simAddr string) {
	if o.Ready != nil {
		o.Ready(url, "http://"+simAddr, password)
	}
	if o.WallReady != nil {
		o.WallReady(wallLoginURL(url, screenToken, config.DefaultScreen.Name))
	}
	if o.Out == nil {
		return
	}
	fmt.Fprintf(o.Out, `
SwanWatch 演示环境已启动 (demo running)
  运行概况 status page : %[1]s/
  监控大屏 video wall  : %[7]s
  故障事件 incidents   : %[1]s/incidents
  采集目标 targets     : %[1]s/targets
  登录 login           : user %[2]s, one-time password %[3]s
  查询 query           : curl -u %[2]s:%[3]s '%[1]s/api/v1/query?query=swanwatch:agent_online:ratio'
  静默 silences        : %[1]s/silences
  月度报告 SLA report  : SWANWATCH_PASSWORD=%[3]s go run ./cmd/swanwatch report --server %[1]s --user %[2]s --month %[8]s --format pdf
                         (xlsx, html too; 临时报告 until the month is frozen)
  巡检报告 inspection  : curl -u %[2]s:%[3]s -o 巡检报告.html '%[1]s/api/v1/reports/inspection/%[9]s'
  模拟设备 simulator   : http://%[4]s/inventory  (%[5]d VMs)
  链路故障 link fault  : curl -X POST http://%[4]s/control/link/<a~b>/down   (up / auto to end it)
  数据目录 data dir    : %[6]s
Messages to the duty group's WeCom robot and SMS pages are printed below as they arrive.
Stop with Ctrl-C.
`, url, Duty, password, simAddr, o.VMs, dir, wallLoginURL(url, screenToken, config.DefaultScreen.Name),
		sla.MonthOf(time.Now()), sla.DateOf(time.Now()))
}

// wallLoginURL opens the wall on a screen: the token sets the screen cookie
// and the page opens without it in its address.
func wallLoginURL(base, token, screen string) string {
	return base + "/wall/login?" + url.Values{"token": {token}, "screen": {screen}}.Encode()
}
