package camera

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// NoDecoder is the FFmpegPath value that turns the RTSP keyframe decoder off (snapshots still work).
const NoDecoder = "none"

// Config is the `collectors.camera` section of swanwatch.yaml.
type Config struct {
	collectors.Schedule `yaml:",inline"`

	// VQDInterval is how often each camera's picture is diagnosed (视频质量诊断); between two
	// diagnoses every round repeats the last result.
	VQDInterval time.Duration `yaml:"vqd_interval"`
	// SessionDuration is how long a round samples the stream after PLAY; a session goes on, up to
	// SessionMax, until two keyframes have come (the GOP needs two, the freeze check two frames).
	SessionDuration time.Duration `yaml:"session_duration"`
	SessionMax      time.Duration `yaml:"session_max"`
	// StallGap: a gap between frames longer than this counts in camera_stalls.
	StallGap time.Duration `yaml:"stall_gap"`
	// FFmpegPath decodes a keyframe of the RTSP session for cameras without a snapshot_url
	// ("none" = no decoder; a path that does not exist is the same, and VQD says 未启用：无解码器).
	FFmpegPath string `yaml:"ffmpeg_path"`
	// DecodeTimeout bounds one ffmpeg run; SnapshotTimeout one snapshot request.
	DecodeTimeout   time.Duration `yaml:"decode_timeout"`
	SnapshotTimeout time.Duration `yaml:"snapshot_timeout"`
	// SnapshotMaxBytes bounds a snapshot's body (a JPEG of a 4K camera is below 2 MiB).
	SnapshotMaxBytes int64 `yaml:"snapshot_max_bytes"`
	// FreezeGap is the least time between the two snapshots the freeze check compares.
	FreezeGap time.Duration `yaml:"freeze_gap"`
	// VQDConcurrency bounds diagnoses (decode and analysis) running at once, so that 500 cameras
	// due in the same minute queue instead of taking every core.
	VQDConcurrency int `yaml:"vqd_concurrency"`
	// PicturesBudget bounds the bytes of thumbnails and evidence kept on disk (oldest evidence is
	// dropped first); ThumbWidth is the thumbnails' width in pixels.
	PicturesBudget int64 `yaml:"pictures_budget"`
	ThumbWidth     int   `yaml:"thumb_width"`
}

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: 60 * time.Second, Concurrency: 64})
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.VQDInterval, 5*time.Minute)
	def(&c.SessionDuration, 2*time.Second)
	def(&c.SessionMax, 3*c.SessionDuration)
	def(&c.StallGap, time.Second)
	def(&c.DecodeTimeout, 5*time.Second)
	def(&c.SnapshotTimeout, 5*time.Second)
	def(&c.FreezeGap, 2*time.Second)
	if c.FFmpegPath == "" {
		c.FFmpegPath = "/usr/bin/ffmpeg"
	}
	if c.SnapshotMaxBytes == 0 {
		c.SnapshotMaxBytes = 8 << 20
	}
	if c.VQDConcurrency == 0 {
		c.VQDConcurrency = 2
	}
	if c.PicturesBudget == 0 {
		c.PicturesBudget = 256 << 20
	}
	if c.ThumbWidth == 0 {
		c.ThumbWidth = 320
	}
	return c
}

// Validate reports every problem of a defaulted Config.
func (c Config) Validate() error {
	errs := []error{c.Schedule.Validate()}
	check := func(ok bool, format string, a ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, a...))
		}
	}
	check(c.VQDInterval >= c.Interval, "vqd_interval %s must not be shorter than the interval %s", c.VQDInterval, c.Interval)
	check(c.SessionDuration >= 200*time.Millisecond, "session_duration %s is below 200ms", c.SessionDuration)
	check(c.SessionMax >= c.SessionDuration && c.SessionMax < c.Timeout,
		"session_max %s must be at least session_duration %s and below the round timeout %s", c.SessionMax, c.SessionDuration, c.Timeout)
	check(c.StallGap >= 100*time.Millisecond, "stall_gap %s is below 100ms", c.StallGap)
	check(c.FFmpegPath == NoDecoder || filepath.IsAbs(c.FFmpegPath), "ffmpeg_path %q must be an absolute path or %q", c.FFmpegPath, NoDecoder)
	check(c.DecodeTimeout >= 100*time.Millisecond && c.DecodeTimeout < c.Timeout, "decode_timeout %s must be 100ms up to the round timeout", c.DecodeTimeout)
	check(c.SnapshotTimeout >= 100*time.Millisecond && c.SnapshotTimeout < c.Timeout, "snapshot_timeout %s must be 100ms up to the round timeout", c.SnapshotTimeout)
	check(c.SnapshotMaxBytes >= 64<<10, "snapshot_max_bytes %d is below 64 KiB", c.SnapshotMaxBytes)
	check(c.FreezeGap >= 0 && c.FreezeGap < c.Timeout, "freeze_gap %s must be below the round timeout", c.FreezeGap)
	check(c.VQDConcurrency >= 1, "vqd_concurrency %d must be at least 1", c.VQDConcurrency)
	check(c.PicturesBudget >= 1<<20, "pictures_budget %d is below 1 MiB", c.PicturesBudget)
	check(c.ThumbWidth >= 64 && c.ThumbWidth <= 1920, "thumb_width %d must be 64..1920", c.ThumbWidth)
	return errors.Join(errs...)
}
