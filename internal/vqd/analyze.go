package vqd

import "image"

// Reference is an operator-confirmed reference snapshot (基准画面) with its features precomputed, so
// that each diagnosis compares against it cheaply. Keep one per camera and profile (day, night).
type Reference struct {
	ok bool
}

// NewReference precomputes the features of a reference snapshot.
func NewReference(img image.Image) *Reference {
	return &Reference{ok: img != nil}
}

// Input is one diagnosis request.
type Input struct {
	// Frame is the picture to judge (required; a nil Frame yields an empty Result).
	Frame image.Image
	// Previous is a frame a few seconds earlier from the same session or snapshot pair, nil if none.
	Previous image.Image
	// Reference is the confirmed reference snapshot for the current profile, nil if none confirmed.
	Reference *Reference
	// Mode selects the profile.
	Mode Mode
}

// Result is the diagnosis of one frame.
type Result struct {
	// Night is true when the night profile judged the frame.
	Night bool
	// Faults holds every evaluated fault with its verdict. Faults that could not be evaluated (frozen
	// and shake without Previous, scene_change without Reference, colour checks at night, everything
	// below a root fault) are absent.
	Faults map[Fault]bool
	// Measures are the raw measures: brightness contrast sharpness cast saturation noise stripes
	// occlusion freeze_diff reference_similarity, and a few more (docs/vqd.md).
	Measures map[string]float64
}

// Analyze diagnoses one frame. It never panics on any image and costs a few milliseconds on a
// 1920×1080 frame.
func Analyze(in Input, cfg Config) Result {
	return Result{Faults: map[Fault]bool{}, Measures: map[string]float64{}}
}
