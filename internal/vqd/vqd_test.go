package vqd

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"strings"
	"sync"
	"testing"
)

const tw, th = 640, 360

// fixtures are built once: the scene, a reference snapshot of it and a second and third exposure
// (other sensor noise), as a camera would deliver them.
var fixtures = sync.OnceValue(func() (f struct {
	ref         *Reference
	clean, prev *image.RGBA
}) {
	f.ref = NewReference(scene(tw, th, 1))
	f.clean, f.prev = scene(tw, th, 2), scene(tw, th, 3)
	return f
})

func TestFaultList(t *testing.T) {
	fs := Faults()
	if len(fs) != 15 {
		t.Fatalf("Faults() has %d entries, want 15", len(fs))
	}
	seen := map[Fault]bool{}
	for _, f := range fs {
		if seen[f] {
			t.Errorf("%s listed twice", f)
		}
		seen[f] = true
		if c := f.Chinese(); c == string(f) || c == "" {
			t.Errorf("%s has no Chinese name", f)
		}
	}
	fs[0] = "changed"
	if Faults()[0] != SignalLoss {
		t.Error("Faults() shares its slice with callers")
	}
	if Fault("x").Chinese() != "x" || Blur.Chinese() != "画面模糊" || SceneChange.Chinese() != "画面偏移" {
		t.Error("Chinese names differ from docs/swanlake.md")
	}
}

func TestOverride(t *testing.T) {
	base := DefaultConfig()
	c, err := base.Override(map[string]string{"day.blur": "0.3", "night.too_dark": "12", "noise": "9", "vqd.day.stripes": " 30 "})
	if err != nil {
		t.Fatal(err)
	}
	if c.Day.Blur != 0.3 || c.Night.Blur != base.Night.Blur {
		t.Errorf("day.blur: day %v night %v", c.Day.Blur, c.Night.Blur)
	}
	if c.Night.TooDark != 12 || c.Day.TooDark != base.Day.TooDark {
		t.Errorf("night.too_dark: day %v night %v", c.Day.TooDark, c.Night.TooDark)
	}
	if c.Day.Noise != 9 || c.Night.Noise != 9 {
		t.Errorf("noise (both profiles): day %v night %v", c.Day.Noise, c.Night.Noise)
	}
	if c.Day.Stripes != 30 {
		t.Errorf("vqd.day.stripes: %v", c.Day.Stripes)
	}
	if base.Day.Blur == 0.3 {
		t.Error("Override changed the receiver")
	}
	for kv, want := range map[[2]string]string{
		{"day.sharpness", "1"}: "unknown threshold \"sharpness\"",
		{"dusk.blur", "1"}:     "profile must be day or night",
		{"blur", "abc"}:        "want a number",
		{"blur", "-1"}:         "want a number",
		{"blur", "NaN"}:        "want a number",
		{"blur", "+Inf"}:       "want a number",
	} {
		_, err := base.Override(map[string]string{kv[0]: kv[1]})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=%s: error %v, want one saying %q", kv[0], kv[1], err, want)
		}
	}
	if len(OverrideKeys()) != len((&Thresholds{}).keys()) {
		t.Error("OverrideKeys and keys disagree")
	}
}

// faultsOf lists the faults reported true.
func faultsOf(r Result) []Fault {
	var out []Fault
	for _, f := range Faults() {
		if r.Faults[f] {
			out = append(out, f)
		}
	}
	return out
}

func TestCleanFrame(t *testing.T) {
	fx := fixtures()
	for _, withRef := range []bool{true, false} {
		in := Input{Frame: fx.clean, Previous: fx.prev}
		if withRef {
			in.Reference = fx.ref
		}
		r := Analyze(in, DefaultConfig())
		if got := faultsOf(r); len(got) != 0 {
			t.Errorf("reference %v: clean frame reported %v (measures %v)", withRef, got, r.Measures)
		}
		if r.Night {
			t.Error("a colour frame was judged with the night profile")
		}
		want := 15 // every fault; without a reference all but scene_change
		if !withRef {
			want = 14
		}
		if len(r.Faults) != want {
			t.Errorf("reference %v: %d faults evaluated, want %d: %v", withRef, len(r.Faults), want, r.Faults)
		}
		for _, m := range []string{"brightness", "contrast", "sharpness", "cast", "saturation", "noise", "stripes", "occlusion", "freeze_diff"} {
			if _, ok := r.Measures[m]; !ok {
				t.Errorf("measure %s missing", m)
			}
		}
		if _, ok := r.Measures["reference_similarity"]; ok != withRef {
			t.Errorf("reference_similarity present %v with reference %v", ok, withRef)
		}
	}
}

// TestEachFault builds each fault from the clean scene in Go and checks that Analyze reports it.
func TestEachFault(t *testing.T) {
	fx := fixtures()
	c := fx.clean
	cases := []struct {
		fault Fault
		frame *image.RGBA
		prev  *image.RGBA // default: another exposure of the clean scene
	}{
		{TooDark, gain(c, 0.2, 0), nil},
		{TooBright, gain(c, 2.2, 30), nil},
		{LowContrast, fog(c, 0.25, 175), nil},
		{Blur, boxBlur(c, 2, 2), nil},
		{ColorCast, tint(c, 1, 0.8, 0.6), nil},
		{Noise, addNoise(c, 14, 5), nil},
		{Stripes, stripes(c, 20, 9), nil},
		{Occlusion, addNoise(cover(c, image.Rect(0, 120, 300, 360), color.RGBA{30, 28, 26, 255}), 2.5, 6), nil},
		{Frozen, c, c},
		{Shake, c, shifted(fx.prev, 14, 0)},
		{SceneChange, shifted(c, 64, -20), nil},
	}
	for _, tc := range cases {
		prev := tc.prev
		if prev == nil {
			prev = fx.prev
		}
		r := Analyze(Input{Frame: tc.frame, Previous: prev, Reference: fx.ref}, DefaultConfig())
		if !r.Faults[tc.fault] {
			t.Errorf("%s not reported; reported %v; measures %v", tc.fault, faultsOf(r), r.Measures)
		}
	}
}

func TestScreens(t *testing.T) {
	fx := fixtures()
	caption := func(img *image.RGBA) *image.RGBA {
		return cover(img, image.Rect(tw*38/100, th*48/100, tw*62/100, th*52/100), color.RGBA{255, 255, 255, 255})
	}
	cases := []struct {
		name  string
		img   *image.RGBA
		fault Fault
	}{
		{"black", solid(tw, th, color.RGBA{0, 0, 0, 255}), BlackScreen},
		{"dark grey with OSD", caption(solid(tw, th, color.RGBA{18, 18, 18, 255})), BlackScreen},
		{"white", solid(tw, th, color.RGBA{255, 255, 255, 255}), WhiteScreen},
		{"blue with caption", caption(solid(tw, th, color.RGBA{16, 48, 192, 255})), BlueScreen},
		{"pure blue", solid(tw, th, color.RGBA{0, 0, 255, 255}), BlueScreen},
		{"grey page", caption(solid(tw, th, color.RGBA{128, 128, 128, 255})), SignalLoss},
		{"decoder green", solid(tw, th, color.RGBA{0, 136, 0, 255}), SignalLoss},
	}
	for _, tc := range cases {
		r := Analyze(Input{Frame: tc.img, Previous: tc.img, Reference: fx.ref}, DefaultConfig())
		got := faultsOf(r)
		if len(got) != 1 || got[0] != tc.fault {
			t.Errorf("%s: reported %v, want only %s", tc.name, got, tc.fault)
		}
		// The root fault suppresses everything else: only the four screen verdicts are evaluated.
		if len(r.Faults) != 4 {
			t.Errorf("%s: %d faults evaluated, want the 4 screen checks only: %v", tc.name, len(r.Faults), r.Faults)
		}
	}
}

func TestNightProfile(t *testing.T) {
	fx := fixtures()
	ir := grey(fx.clean)
	r := Analyze(Input{Frame: ir, Previous: grey(fx.prev)}, DefaultConfig())
	if !r.Night {
		t.Fatalf("a greyscale frame was not judged as night (saturation %v)", r.Measures["saturation"])
	}
	if _, ok := r.Faults[ColorCast]; ok {
		t.Error("colour cast judged at night")
	}
	if got := faultsOf(r); len(got) != 0 {
		t.Errorf("clean infrared frame reported %v", got)
	}
	for _, f := range []Fault{Blur, Occlusion} { // at night these wait for a reference
		if _, ok := r.Faults[f]; ok {
			t.Errorf("%s judged at night without a reference", f)
		}
	}
	withRef := Analyze(Input{Frame: ir, Reference: NewReference(grey(scene(tw, th, 1)))}, DefaultConfig())
	for _, f := range []Fault{Blur, Occlusion, SceneChange} {
		if v, ok := withRef.Faults[f]; !ok || v {
			t.Errorf("night with a reference: %s evaluated %v, reported %v", f, ok, v)
		}
	}
	if r := Analyze(Input{Frame: ir, Mode: ModeDay}, DefaultConfig()); r.Night {
		t.Error("ModeDay was overridden")
	}
	if r := Analyze(Input{Frame: fx.clean, Mode: ModeNight}, DefaultConfig()); !r.Night {
		t.Error("ModeNight was overridden")
	} else if _, ok := r.Faults[ColorCast]; ok {
		t.Error("colour cast judged with the night profile")
	}
	// The night profile is looser: a frame at mean 25 is dark by day, not at night.
	dim := gain(fx.clean, 0.22, 0)
	day := Analyze(Input{Frame: dim, Mode: ModeDay}, DefaultConfig())
	night := Analyze(Input{Frame: dim, Mode: ModeNight}, DefaultConfig())
	if !day.Faults[TooDark] || night.Faults[TooDark] {
		t.Errorf("mean %.1f: too dark by day %v (want true), at night %v (want false)", day.Measures["brightness"], day.Faults[TooDark], night.Faults[TooDark])
	}
}

// TestEdgeCases feeds odd shapes and formats: nothing may panic, the verdicts that cannot be
// evaluated are absent, and every measure is a finite number.
func TestEdgeCases(t *testing.T) {
	fx := fixtures()
	sub := fx.clean.SubImage(image.Rect(13, 7, 613, 347)).(*image.RGBA)
	ycc := toYCbCr(fx.clean, image.YCbCrSubsampleRatio420)
	cases := map[string]Input{
		"nil frame":            {},
		"empty":                {Frame: image.NewRGBA(image.Rect(0, 0, 0, 0))},
		"1x1":                  {Frame: solid(1, 1, color.RGBA{9, 9, 9, 255}), Previous: solid(1, 1, color.RGBA{9, 9, 9, 255})},
		"2x3 gray":             {Frame: image.NewGray(image.Rect(0, 0, 2, 3))},
		"31x31":                {Frame: scene(31, 31, 1), Previous: scene(31, 31, 2), Reference: NewReference(scene(31, 31, 3))},
		"10000x2":              {Frame: scene(10000, 2, 1), Previous: scene(10000, 2, 2)},
		"3x2000":               {Frame: scene(3, 2000, 1)},
		"sub-image":            {Frame: sub, Previous: fx.prev, Reference: fx.ref},
		"previous other size":  {Frame: fx.clean, Previous: scene(320, 240, 2), Reference: fx.ref},
		"reference other size": {Frame: fx.clean, Reference: NewReference(scene(320, 240, 2))},
		"nil reference image":  {Frame: fx.clean, Reference: NewReference(nil)},
		"empty previous":       {Frame: fx.clean, Previous: image.NewRGBA(image.Rect(0, 0, 0, 0))},
		"ycbcr 420 odd origin": {Frame: ycc.SubImage(image.Rect(1, 1, 639, 359)), Previous: ycc},
		"ycbcr 422":            {Frame: toYCbCr(fx.clean, image.YCbCrSubsampleRatio422)},
		"ycbcr 444":            {Frame: toYCbCr(fx.clean, image.YCbCrSubsampleRatio444)},
		"ycbcr 411":            {Frame: toYCbCr(fx.clean, image.YCbCrSubsampleRatio411)},
		"ycbcr 410":            {Frame: toYCbCr(fx.clean, image.YCbCrSubsampleRatio410)},
		"ycbcr 440":            {Frame: toYCbCr(fx.clean, image.YCbCrSubsampleRatio440)},
		"paletted":             {Frame: image.NewPaletted(image.Rect(0, 0, 50, 40), color.Palette{color.Black, color.White})},
		"cmyk":                 {Frame: image.NewCMYK(image.Rect(0, 0, 64, 48))},
		"nrgba":                {Frame: image.NewNRGBA(image.Rect(0, 0, 64, 48))},
		"gray16":               {Frame: image.NewGray16(image.Rect(0, 0, 64, 48))},
	}
	for name, in := range cases {
		r := Analyze(in, DefaultConfig())
		checkFinite(t, name, r)
	}
	if r := Analyze(Input{}, DefaultConfig()); len(r.Faults) != 0 || len(r.Measures) != 0 || r.Faults == nil {
		t.Errorf("nil frame: %+v, want empty non-nil maps", r)
	}
	r := Analyze(cases["31x31"], DefaultConfig())
	for _, f := range []Fault{Blur, Noise, Stripes, Occlusion, SceneChange, Shake} {
		if _, ok := r.Faults[f]; ok {
			t.Errorf("31x31: %s judged on a frame too small for it", f)
		}
	}
	if _, ok := r.Faults[Frozen]; !ok {
		t.Error("31x31: frozen not judged though a previous frame was given")
	}
	r = Analyze(Input{Frame: fx.clean}, DefaultConfig())
	for _, f := range []Fault{Frozen, Shake, SceneChange} {
		if _, ok := r.Faults[f]; ok {
			t.Errorf("no previous frame and no reference: %s judged", f)
		}
	}
	r = Analyze(cases["reference other size"], DefaultConfig())
	if _, ok := r.Faults[SceneChange]; ok {
		t.Error("scene change judged against a reference of another size")
	}
	r = Analyze(cases["previous other size"], DefaultConfig())
	if _, ok := r.Faults[Shake]; ok {
		t.Error("shake judged against a previous frame of another size")
	}
	// A sub-image is judged like the same pixels in a fresh image.
	a := Analyze(Input{Frame: sub}, DefaultConfig())
	b := Analyze(Input{Frame: copyRGBA(sub)}, DefaultConfig())
	if math.Abs(a.Measures["brightness"]-b.Measures["brightness"]) > 1e-9 || math.Abs(a.Measures["noise"]-b.Measures["noise"]) > 1e-9 {
		t.Errorf("sub-image measures differ from a copy: %v vs %v", a.Measures, b.Measures)
	}
}

// TestFormatsAgree: the same picture as RGBA, YCbCr 4:2:0 and a JPEG gives about the same measures.
func TestFormatsAgree(t *testing.T) {
	fx := fixtures()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, fx.clean, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	fromJPEG, err := jpeg.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rgba := Analyze(Input{Frame: fx.clean}, DefaultConfig())
	for name, img := range map[string]image.Image{"ycbcr": toYCbCr(fx.clean, image.YCbCrSubsampleRatio420), "jpeg": fromJPEG} {
		r := Analyze(Input{Frame: img}, DefaultConfig())
		for _, m := range []string{"brightness", "contrast", "saturation"} {
			if d := math.Abs(r.Measures[m] - rgba.Measures[m]); d > 2 {
				t.Errorf("%s: %s %.2f, RGBA %.2f", name, m, r.Measures[m], rgba.Measures[m])
			}
		}
		if got := faultsOf(r); len(got) != 0 {
			t.Errorf("%s: clean frame reported %v", name, got)
		}
	}
}

func TestFreezeDiff(t *testing.T) {
	fx := fixtures()
	a, b := newLumaSampler(fx.clean), newLumaSampler(fx.prev)
	if d := freezeDiff(a, a); d != 0 {
		t.Errorf("identical frames: freeze_diff %v, want 0", d)
	}
	// The sensor noise (σ 2.5 per frame) makes two live exposures differ by about 2.5·√2·0.8 ≈ 2.8
	// on average; the trimmed mean keeps most of it.
	if d := freezeDiff(a, b); d < 1.5 || d > 4 {
		t.Errorf("two live exposures: freeze_diff %.2f, want about 2–3", d)
	}
	// An OSD clock changing on a frozen picture is trimmed away.
	osd := cover(fx.clean, image.Rect(10, 10, 90, 24), color.RGBA{255, 255, 255, 255})
	if d := freezeDiff(newLumaSampler(osd), a); d > 0.1 {
		t.Errorf("frozen picture with a new OSD: freeze_diff %.2f, want ≈ 0", d)
	}
}

func checkFinite(t *testing.T, name string, r Result) {
	t.Helper()
	for k, v := range r.Measures {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s: measure %s = %v", name, k, v)
		}
	}
}

func copyRGBA(src *image.RGBA) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, src.Rect.Dx(), src.Rect.Dy()))
	for y := range src.Rect.Dy() {
		for x := range src.Rect.Dx() {
			out.SetRGBA(x, y, src.RGBAAt(src.Rect.Min.X+x, src.Rect.Min.Y+y))
		}
	}
	return out
}

func toYCbCr(src *image.RGBA, ratio image.YCbCrSubsampleRatio) *image.YCbCr {
	out := image.NewYCbCr(src.Rect, ratio)
	for y := src.Rect.Min.Y; y < src.Rect.Max.Y; y++ {
		for x := src.Rect.Min.X; x < src.Rect.Max.X; x++ {
			c := src.RGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			out.Y[out.YOffset(x, y)] = yy
			out.Cb[out.COffset(x, y)] = cb
			out.Cr[out.COffset(x, y)] = cr
		}
	}
	return out
}
