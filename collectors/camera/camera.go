// Package camera owns the camera collector of the Swan Lake scenic area (天鹅湖景区): per camera
// and round, a short RTSP sampling session (connect and auth result, codec, resolution from the
// SPS, fps, bitrate, GOP, time to the first keyframe, stalls, timestamp jumps), and every
// vqd_interval a video quality diagnosis (视频质量诊断) of a frame from the camera's snapshot
// endpoint or of a keyframe of the session decoded by ffmpeg. It keeps the pictures an operator
// needs on disk (Store): the last frame's thumbnail for the wall, the evidence frame of every fault
// that turned on, and the reference snapshot (基准画面) scene changes are judged against.
//
// RTSP is github.com/deepch/vdk's rtspv2 client behind a guard (guard.go) that gives it a context,
// classifies failures and keeps its socket and goroutines from leaking. Series names follow
// docs/swanlake.md.
package camera

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/vqd"
)

// Kind is the collector kind of camera targets.
const Kind = "camera"

// Collector samples cameras. It is safe for concurrent rounds on different targets.
type Collector struct {
	cfg    Config
	log    *slog.Logger
	store  *Store
	ffmpeg string // "" when there is no decoder
	http   *http.Client
	vqdSem chan struct{}
	base   vqd.Config
	now    func() time.Time
	// analyze is vqd.Analyze; tests of the plumbing (evidence, references) swap it
	analyze func(vqd.Input, vqd.Config) vqd.Result

	wg   sync.WaitGroup // the guard and vdk goroutines of sessions
	mu   sync.Mutex
	cams map[string]*camState
}

// New returns a Collector for an already defaulted and validated cfg. store keeps the pictures
// (nil keeps none: thumbnails, evidence and references are then unavailable).
func New(cfg Config, store *Store, logger *slog.Logger) *Collector {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Collector{cfg: cfg, log: logger, store: store, base: vqd.DefaultConfig(), now: time.Now, analyze: vqd.Analyze,
		vqdSem: make(chan struct{}, cfg.VQDConcurrency), cams: map[string]*camState{},
		http: &http.Client{Transport: &http.Transport{DisableKeepAlives: true, ResponseHeaderTimeout: cfg.SnapshotTimeout},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.ffmpeg = usableDecoder(cfg.FFmpegPath)
	if c.ffmpeg == "" {
		logger.Warn("camera: no keyframe decoder; cameras without snapshot_url get no video quality diagnosis",
			"ffmpeg_path", cfg.FFmpegPath)
	}
	return c
}

// usableDecoder returns path when it is an executable file.
func usableDecoder(path string) string {
	if path == NoDecoder {
		return ""
	}
	st, err := os.Stat(path)
	if err != nil || st.IsDir() || st.Mode().Perm()&0o111 == 0 {
		return ""
	}
	return path
}

// Close waits for the sessions' goroutines (each ends within its round's deadline).
func (c *Collector) Close() error {
	c.wg.Wait()
	return nil
}

// Collect runs one sampling session on t and, when due, a video quality diagnosis.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	st := c.state(t)
	tgt, err := parseTarget(t, c.base)
	if err != nil {
		st.roundFailed(err, c.now())
		return err
	}
	start := c.now()
	due := st.vqdDue(start, c.cfg.VQDInterval)
	var snap *snapshotFetch
	if due && tgt.snapshotURL != "" {
		snap = c.startSnapshot(ctx, tgt)
	}
	res, err := c.session(c.sessionContext(ctx, due && c.vqdEnabled(tgt)), sessionPlan{cam: tgt.url, user: tgt.user, pass: tgt.pass,
		duration: c.cfg.SessionDuration, max: c.cfg.SessionMax, keyframes: 2, stallGap: c.cfg.StallGap,
		capture: due && c.ffmpeg != ""})
	if err != nil {
		snap.abandon()
		st.roundFailed(err, c.now())
		return err
	}
	st.streamOK(res, c.now())
	emitStream(emit, res)
	if due {
		c.diagnose(ctx, t.Name, tgt, st, res, snap)
	}
	st.emitVQD(emit, c.now(), c.cfg.VQDInterval, c.vqdEnabled(tgt))
	return nil
}

// sessionContext leaves room after the session for the diagnosis when one is due.
func (c *Collector) sessionContext(ctx context.Context, vqdDue bool) context.Context {
	dl, ok := ctx.Deadline()
	if !ok || !vqdDue {
		return ctx
	}
	reserve := min(c.cfg.DecodeTimeout+c.cfg.SnapshotTimeout, time.Until(dl)*3/10)
	sctx, cancel := context.WithDeadline(ctx, dl.Add(-reserve))
	context.AfterFunc(ctx, cancel)
	return sctx
}

// vqdEnabled: a frame source exists (a snapshot endpoint or the decoder).
func (c *Collector) vqdEnabled(t camTarget) bool { return t.snapshotURL != "" || c.ffmpeg != "" }

func emitStream(emit collectors.Emit, r *sessionResult) {
	emit("camera_connect_seconds", r.connect.Seconds())
	emit("camera_first_keyframe_seconds", r.firstKey.Seconds())
	emit("camera_fps", r.fps)
	emit("camera_bitrate_bps", r.bitrate)
	if r.gop > 0 {
		emit("camera_gop_frames", float64(r.gop))
	}
	emit("camera_stalls", float64(r.stalls))
	emit("camera_timestamp_jumps", float64(r.jumps))
	emit("camera_stream_info", 1, "codec", r.codec, "resolution", r.resolution())
}

func (r *sessionResult) resolution() string {
	if r.width <= 0 || r.height <= 0 {
		return "unknown"
	}
	return itoa(r.width) + "x" + itoa(r.height)
}
