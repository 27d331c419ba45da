package vqd

// Fault is one video quality fault type; its value is the fault id of the series contract
// (docs/swanlake.md, camera_vqd_fault{fault}).
type Fault string

// The fault types, ids as in docs/swanlake.md.
const (
	SignalLoss  Fault = "signal_loss"
	BlackScreen Fault = "black_screen"
	WhiteScreen Fault = "white_screen"
	BlueScreen  Fault = "blue_screen"
	Frozen      Fault = "frozen"
	TooDark     Fault = "too_dark"
	TooBright   Fault = "too_bright"
	LowContrast Fault = "low_contrast"
	Blur        Fault = "blur"
	Occlusion   Fault = "occlusion"
	ColorCast   Fault = "color_cast"
	Noise       Fault = "noise"
	Stripes     Fault = "stripes"
	SceneChange Fault = "scene_change"
	Shake       Fault = "shake"
)

var allFaults = []Fault{
	SignalLoss, BlackScreen, WhiteScreen, BlueScreen, Frozen, TooDark, TooBright, LowContrast,
	Blur, Occlusion, ColorCast, Noise, Stripes, SceneChange, Shake,
}

var chinese = map[Fault]string{
	SignalLoss: "信号丢失", BlackScreen: "黑屏", WhiteScreen: "白屏", BlueScreen: "蓝屏",
	Frozen: "画面冻结", TooDark: "画面过暗", TooBright: "画面过亮", LowContrast: "对比度低",
	Blur: "画面模糊", Occlusion: "遮挡", ColorCast: "偏色", Noise: "雪花噪声",
	Stripes: "条纹干扰", SceneChange: "画面偏移", Shake: "画面抖动",
}

// Chinese is the word operators read for the fault (docs/swanlake.md); the id itself when unknown.
func (f Fault) Chinese() string {
	if s, ok := chinese[f]; ok {
		return s
	}
	return string(f)
}

// Faults lists every fault type in a stable order (root faults first).
func Faults() []Fault {
	return append([]Fault(nil), allFaults...)
}
