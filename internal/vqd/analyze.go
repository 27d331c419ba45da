package vqd

import (
	"image"
	"math"
)

// Input is one diagnosis request.
type Input struct {
	// Frame is the picture to judge (required; a nil or empty Frame yields an empty Result).
	Frame image.Image
	// Previous is a frame a few seconds earlier from the same session or snapshot pair, nil if none.
	Previous image.Image
	// Reference is the confirmed reference snapshot for the current profile, nil if none confirmed.
	// A reference of another size than the frame is ignored (the view changed or the stream did).
	Reference *Reference
	// Mode selects the profile.
	Mode Mode
}

// Result is the diagnosis of one frame.
type Result struct {
	// Night is true when the night profile judged the frame.
	Night bool
	// Faults holds every evaluated fault with its verdict. Faults that could not be evaluated (frozen
	// and shake without Previous, scene_change without Reference, colour at night, blur and occlusion
	// at night without Reference, detail checks on a frame under 32 pixels, everything a root fault
	// suppresses) are absent.
	Faults map[Fault]bool
	// Measures are the raw measures (docs/vqd.md lists them): brightness contrast sharpness cast
	// saturation noise stripes occlusion freeze_diff reference_similarity, and a few more.
	Measures map[string]float64
}

// minDetail is the smallest analysis side on which the detail checks (blur, noise, stripes,
// occlusion, shake, scene change) mean anything.
const minDetail = 32

// Analyze diagnoses one frame: it measures first, then judges with the suppression rules of
// docs/vqd.md (a uniform screen is the only fault of its frame; a covered lens is not also dark;
// a dark, blown-out or foggy frame is not also blurred, covered or cast). It never panics on any
// image and costs a few milliseconds on a 1920×1080 frame (BenchmarkAnalyze).
func Analyze(in Input, cfg Config) Result {
	res := Result{Faults: map[Fault]bool{}, Measures: map[string]float64{}}
	if in.Frame == nil {
		return res
	}
	f := downscale(in.Frame)
	if f == nil {
		return res
	}
	defer f.release()
	a := &analysis{in: in, f: f, res: res}
	a.pickProfile(cfg)
	if a.screens() {
		return a.res
	}
	a.measureColour()
	if f.w >= minDetail && f.h >= minDetail {
		a.measureDetail()
	}
	a.judge()
	a.temporal()
	return a.res
}

// analysis carries one Analyze call's measures from the measuring to the judging.
type analysis struct {
	in  Input
	f   *frame
	ref *Reference // the reference when it shows the same view size, else nil
	t   Thresholds
	st  stats
	res Result

	cast           *cast
	detail         bool // the detail measures below were taken
	noise, stripes float64
	sharp, energy  float64
	occ            occlusion
	similarity     float64
	restSimilarity float64 // outside the covered region
	hasSimilarity  bool
}

func (a *analysis) set(f Fault, v bool)            { a.res.Faults[f] = v }
func (a *analysis) measure(name string, v float64) { a.res.Measures[name] = v }

// pickProfile chooses day or night: the mode when it is known, else night when the picture has no
// colour (infrared).
func (a *analysis) pickProfile(cfg Config) {
	if r := a.in.Reference; r != nil && r.w == a.f.w && r.h == a.f.h {
		a.ref = r
	}
	a.st = globalStats(a.f, cfg.Day.ScreenTolerance)
	night := a.in.Mode == ModeNight || (a.in.Mode == ModeAuto && a.st.saturation < cfg.Day.IRSaturation)
	a.t = cfg.Day
	if night {
		a.t = cfg.Night
		if cfg.Night.ScreenTolerance != cfg.Day.ScreenTolerance {
			a.st.domShare, a.st.domLuma = dominant(a.f, cfg.Night.ScreenTolerance)
		}
	}
	a.res.Night = night
	a.measure("brightness", a.st.mean)
	a.measure("contrast", a.st.std)
	a.measure("contrast_ratio", a.st.contrastRatio())
	a.measure("saturation", a.st.saturation)
	a.measure("screen_share", a.st.domShare)
	a.measure("blue_share", a.st.blueShare)
	a.measure("clipped", a.st.clipped)
	if a.ref != nil && a.ref.brightness > 0 {
		a.measure("brightness_ratio", a.st.mean/a.ref.brightness)
	}
}

// screens judges the root faults: a uniform page (信号丢失, 黑屏, 白屏) or a recorder's blue page
// (蓝屏). When one holds, nothing else is judged: blur or contrast on a blank page mean nothing.
func (a *analysis) screens() bool {
	// A blue page may carry a caption, so it needs only most of the frame near one colour; a sky is
	// neither that saturated nor that even.
	blue := a.st.blueShare >= a.t.BlueShare && a.st.domShare >= 0.8
	uniform := a.st.domShare >= a.t.ScreenShare
	black := uniform && !blue && a.st.domLuma < a.t.BlackLevel
	white := uniform && !blue && a.st.domLuma > a.t.WhiteLevel
	lost := uniform && !blue && !black && !white
	a.set(BlueScreen, blue)
	a.set(BlackScreen, black)
	a.set(WhiteScreen, white)
	a.set(SignalLoss, lost)
	return blue || uniform
}

// measureColour takes the cast, by day only: an infrared picture has no colour to judge.
func (a *analysis) measureColour() {
	if a.res.Night {
		return
	}
	c := colourCast(a.f)
	a.cast = &c
	a.measure("cast", c.k)
	a.measure("cast_d", c.d)
	if a.ref != nil {
		a.measure("cast_shift", castShift(c, a.ref.castA, a.ref.castB))
	}
}

// castShift is how far the mean chroma moved from the reference's, not counting a plain loss of
// saturation towards grey (fog, dusk): the distance from the current mean chroma to the nearest point
// of the segment between neutral and the reference's mean chroma.
func castShift(c cast, ra, rb float64) float64 {
	n := ra*ra + rb*rb
	s := 0.0
	if n > 0 {
		s = min(1, max(0, (c.meanA*ra+c.meanB*rb)/n))
	}
	return math.Hypot(c.meanA-s*ra, c.meanB-s*rb)
}

// measureDetail takes noise, stripes, sharpness, occlusion and the similarity to the reference.
func (a *analysis) measureDetail() {
	f := a.f
	a.detail = true
	gx, gy := gradients(f)
	defer putF32(gx)
	defer putF32(gy)
	a.noise = noiseSigma(newLumaSampler(a.in.Frame))
	a.stripes = stripeScore(f)
	a.sharp = 1 - blurScore(f)
	a.energy = gradientEnergy(gx, gy, f)
	a.measure("noise", a.noise)
	a.measure("stripes", a.stripes)
	a.measure("sharpness", a.sharp)
	a.measure("lapvar", lapVar(f))
	if a.ref != nil && a.ref.energy > 0 {
		a.measure("sharpness_ratio", a.energy/a.ref.energy)
	}
	var rb *blocks
	if a.ref != nil {
		rb = &a.ref.blocks
	}
	bs := blockStats(f)
	a.measure("noise_analysis", bs.noise)
	a.occ = occlusionOf(bs, rb, float32(a.t.OcclusionDark))
	a.measure("occlusion", a.occ.share)
	if a.ref != nil {
		sm := structureMap(gx, gy, f.w, f.h)
		a.similarity = a.ref.structure.similarity(sm)
		a.hasSimilarity = true
		a.measure("reference_similarity", a.similarity)
		a.restSimilarity = a.similarity
		if a.occ.share > 0 {
			a.restSimilarity = a.ref.structure.similarityOutside(sm, a.occ.covers)
			a.measure("uncovered_similarity", a.restSimilarity)
		}
	}
}

// judge turns the measures into verdicts, root causes first.
func (a *analysis) judge() {
	t, st := a.t, a.st
	ratio := st.contrastRatio()
	lowContrast := ratio < t.LowContrast
	darkAll := st.mean < t.TooDark
	if a.ref != nil && a.ref.brightness > 0 {
		darkAll = darkAll || st.mean/a.ref.brightness < t.TooDarkRatio
	}
	// A covered part of the lens darkens the frame; when the rest is exposed as usual the cover is the
	// fault, not the exposure. Fog flattens everything and is low contrast, not a cover.
	// A turned camera changes blocks too; a cover leaves the rest of the view where it was.
	// At night without a reference, a dark flat sky or lake cannot be told from a cover: the check
	// waits for a confirmed reference.
	canOcclude := a.detail && (a.ref != nil || !a.res.Night)
	occluded := canOcclude && a.occ.share > t.Occlusion && !lowContrast && a.restExposed() &&
		(!a.hasSimilarity || a.restSimilarity >= t.SceneChange)
	dark := darkAll && !occluded
	bright := st.mean > t.TooBright || st.clipped > t.Overexposed
	if a.ref != nil && a.ref.brightness > 0 {
		// Brighter than usual and blowing out: fog brightens too, but clips nothing.
		const someClipped = 0.05
		bright = bright || (st.mean/a.ref.brightness > t.TooBrightRatio && st.clipped > someClipped)
	}
	a.set(TooDark, dark)
	a.set(TooBright, bright)
	if dark || bright { // the exposure is the root: nothing below means much on such a frame
		return
	}
	a.set(LowContrast, lowContrast)
	if a.cast != nil {
		if a.ref != nil {
			a.set(ColorCast, castShift(*a.cast, a.ref.castA, a.ref.castB) > t.CastShift)
		} else {
			c := a.cast
			a.set(ColorCast, c.m > 2 && c.k > t.CastK && c.d > t.CastD)
		}
	}
	if !a.detail {
		return
	}
	stripes := a.stripes > t.Stripes
	noisy := a.noise > t.Noise
	if a.ref != nil && a.ref.noise > 0 {
		noisy = a.noise > t.NoiseMin && a.noise > a.ref.noise*t.NoiseRatio
	}
	a.set(Noise, noisy)
	a.set(Stripes, stripes)
	if !lowContrast && canOcclude {
		a.set(Occlusion, occluded)
	}
	switch {
	case occluded: // a cover is flat: it would read as blur
	case a.ref != nil && a.ref.energy > 0:
		a.set(Blur, a.energy/a.ref.energy < t.BlurRatio)
	case !a.res.Night: // infrared noise hides a defocus from the no-reference score
		a.set(Blur, a.sharp < t.Blur)
	}
	if a.hasSimilarity && !occluded && !stripes { // a covered or striped view hides where it points
		a.set(SceneChange, a.similarity < t.SceneChange)
	}
}

// restExposed says whether the part of the frame outside the cover is exposed as usual (as bright as
// the too-dark limit, and as the same blocks of the reference within TooDarkRatio).
func (a *analysis) restExposed() bool {
	if a.occ.restBlocks == 0 {
		return false
	}
	if a.occ.restMean < a.t.TooDark {
		return false
	}
	return a.occ.restRefMean <= 0 || a.occ.restMean/a.occ.restRefMean >= a.t.TooDarkRatio
}

// temporal judges freeze and shake against the previous frame.
func (a *analysis) temporal() {
	if a.in.Previous == nil {
		return
	}
	pb := a.in.Previous.Bounds()
	if pb.Dx() <= 0 || pb.Dy() <= 0 {
		return
	}
	d := freezeDiff(newLumaSampler(a.in.Frame), newLumaSampler(a.in.Previous))
	a.measure("freeze_diff", d)
	frozen := d < a.t.Freeze
	a.set(Frozen, frozen)
	if a.f.w < minDetail || a.f.h < minDetail {
		return
	}
	if pw, ph := analysisSize(pb.Dx(), pb.Dy()); pw != a.f.w || ph != a.f.h {
		return // another stream size: not the same view to compare
	}
	dx, dy, corr := projectionShift(newLumaSampler(a.in.Previous), newLumaSampler(a.in.Frame), a.f.w, a.f.h)
	a.measure("shift", float64(max(abs(dx), abs(dy))))
	a.measure("shift_corr", corr)
	if !frozen {
		moved := float64(max(abs(dx), abs(dy))) >= a.t.Shake
		a.set(Shake, moved && corr > 0.5)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
