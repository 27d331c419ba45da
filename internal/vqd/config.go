package vqd

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Mode says which profile judges a frame. ModeAuto picks night when the picture has lost its colour
// (an infrared camera shows saturation near 0); the camera's own day/night state, when known, is
// better than the guess.
type Mode int

// The modes.
const (
	ModeAuto Mode = iota
	ModeDay
	ModeNight
)

// Thresholds is one profile's limits. Grey levels are 0–255 on the analysis image (Analyze scales every
// frame to AnalysisWidth first); shares are 0–1. The defaults, their sources and where they were moved
// are in docs/vqd.md.
type Thresholds struct {
	// ScreenShare is the share of pixels within ScreenTolerance grey levels of the dominant colour that
	// makes the frame a uniform screen (信号丢失/黑屏/白屏/蓝屏).
	ScreenShare     float64
	ScreenTolerance float64
	// BlackLevel: a uniform screen darker than this (luma of the dominant colour) is 黑屏.
	BlackLevel float64
	// WhiteLevel: a uniform screen brighter than this is 白屏.
	WhiteLevel float64
	// BlueShare: share of saturated blue pixels (hue 200–260°) above this is 蓝屏.
	BlueShare float64
	// TooDark and TooBright bound the mean luma.
	TooDark   float64
	TooBright float64
	// TooDarkRatio: with a reference, a mean luma below this fraction of the reference's is 画面过暗 too
	// (a night scene over water is dark by nature; the reference says how dark is normal).
	TooDarkRatio float64
	// TooBrightRatio: with a reference, a mean luma above this multiple of the reference's, with at
	// least 5 % of the pixels clipped, is 画面过亮 too.
	TooBrightRatio float64
	// Overexposed: a share of clipped pixels (luma ≥ 250) above this is 画面过亮 too.
	Overexposed float64
	// LowContrast: the contrast ratio 100·(P95−P5)/(P95+P5) of the luma below this is 对比度低 (fog,
	// a washed-out picture; a plain change of exposure leaves the ratio alone).
	LowContrast float64
	// Blur: without a reference, a sharpness (1 − the Crete blur score: about 0.75–0.8 for a sharp
	// scene, towards 0 for a flat one; docs/vqd.md) below this is 画面模糊.
	Blur float64
	// BlurRatio: with a reference, a detail energy below this fraction of the reference's is 画面模糊.
	BlurRatio float64
	// CastK and CastD: without a reference, the CIELab equivalent-circle cast factor K above CastK and
	// the mean chroma offset D above CastD together make 偏色.
	CastK float64
	CastD float64
	// CastShift: with a reference, a mean chroma (a*, b*) moved further than this from the reference's
	// is 偏色 (a park is green by nature; the reference says what its normal colour is).
	CastShift float64
	// IRSaturation: in ModeAuto a frame whose mean HSV saturation (0–255) is below this is judged
	// with the night profile (read from the Day profile).
	IRSaturation float64
	// Noise: without a reference, an estimated noise sigma (grey levels, at the camera's own
	// resolution) above this is 雪花噪声. With a reference, a sigma above NoiseRatio times the
	// reference's and above NoiseMin is: a scene all of foliage reads as a little noisy by nature, a
	// quiet lake as very clean, so the camera's own level is the yardstick.
	Noise      float64
	NoiseRatio float64
	NoiseMin   float64
	// Stripes: the prominence of the strongest periodic peak in the spectrum above this is 条纹干扰.
	Stripes float64
	// Occlusion: the share of the frame covered by the largest connected dark, flat region above this
	// is 遮挡; OcclusionDark is the block mean luma below which a flat block counts as dark.
	Occlusion     float64
	OcclusionDark float64
	// Freeze: freeze_diff (trimmed mean absolute difference to the previous frame, grey levels) below
	// this is 画面冻结.
	Freeze float64
	// SceneChange: reference_similarity below this is 画面偏移.
	SceneChange float64
	// Shake: a shift against the previous frame of at least this many analysis pixels is 画面抖动.
	Shake float64
}

// Config is the day and the night profile.
type Config struct {
	Day, Night Thresholds
}

// DefaultConfig is the shipped profiles (docs/vqd.md gives each value's source).
func DefaultConfig() Config {
	day := Thresholds{
		ScreenShare: 0.9, ScreenTolerance: 8, BlackLevel: 40, WhiteLevel: 215, BlueShare: 0.8,
		TooDark: 30, TooBright: 205, TooDarkRatio: 0.5, TooBrightRatio: 1.5, Overexposed: 0.2, LowContrast: 45,
		Blur: 0.7, BlurRatio: 0.8,
		CastK: 1.5, CastD: 30, CastShift: 8, IRSaturation: 10,
		Noise: 6.8, NoiseRatio: 1.25, NoiseMin: 4.5, Stripes: 20,
		Occlusion: 0.2, OcclusionDark: 50,
		Freeze: 0.5, SceneChange: 0.5, Shake: 3,
	}
	night := day
	night.TooDark = 20
	night.LowContrast = 40
	night.Noise = 6.8
	return Config{Day: day, Night: night}
}

// keys maps an override key to its field; the names are the fault ids where a fault has one limit.
func (t *Thresholds) keys() map[string]*float64 {
	return map[string]*float64{
		"screen_share": &t.ScreenShare, "screen_tolerance": &t.ScreenTolerance,
		"black_screen": &t.BlackLevel, "white_screen": &t.WhiteLevel, "blue_screen": &t.BlueShare,
		"too_dark": &t.TooDark, "too_bright": &t.TooBright, "low_contrast": &t.LowContrast,
		"too_dark_ratio": &t.TooDarkRatio, "too_bright_ratio": &t.TooBrightRatio, "noise_ratio": &t.NoiseRatio, "noise_min": &t.NoiseMin, "overexposed": &t.Overexposed, "cast_shift": &t.CastShift,
		"blur": &t.Blur, "blur_ratio": &t.BlurRatio,
		"color_cast": &t.CastK, "cast_d": &t.CastD, "ir_saturation": &t.IRSaturation,
		"noise": &t.Noise, "stripes": &t.Stripes,
		"occlusion": &t.Occlusion, "occlusion_dark": &t.OcclusionDark,
		"frozen": &t.Freeze, "scene_change": &t.SceneChange, "shake": &t.Shake,
	}
}

// OverrideKeys lists the keys Override accepts after the optional "day."/"night." prefix.
func OverrideKeys() []string {
	var t Thresholds
	var out []string
	for k := range t.keys() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Override returns c with per-camera overrides applied. A key is "day.<name>", "night.<name>" or
// "<name>" (both profiles), optionally prefixed "vqd."; names are listed by OverrideKeys. The value is
// a finite number ≥ 0.
func (c Config) Override(kv map[string]string) (Config, error) {
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first error is the same every time
	for _, k := range keys {
		if err := c.set(k, kv[k]); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (c *Config) set(key, val string) error {
	name := strings.TrimPrefix(strings.TrimSpace(key), "vqd.")
	profiles := []*Thresholds{&c.Day, &c.Night}
	if p, rest, ok := strings.Cut(name, "."); ok {
		switch p {
		case "day":
			profiles = profiles[:1]
		case "night":
			profiles = profiles[1:]
		default:
			return fmt.Errorf("vqd override %q: profile must be day or night, not %q", key, p)
		}
		name = rest
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("vqd override %s=%q: want a number ≥ 0", key, val)
	}
	for _, t := range profiles {
		f, ok := t.keys()[name]
		if !ok {
			return fmt.Errorf("vqd override %q: unknown threshold %q (known: %s)", key, name,
				strings.Join(OverrideKeys(), ", "))
		}
		*f = v
	}
	return nil
}
