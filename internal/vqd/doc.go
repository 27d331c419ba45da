// Package vqd is the video quality diagnosis (视频质量诊断) engine: one decoded frame in, a verdict per
// fault type and the raw measures out.
//
// Analyze downscales every frame to a fixed analysis size first, so the thresholds do not depend on the
// camera's resolution, and runs pure-Go checks on it: brightness, contrast, sharpness, colour cast,
// saturation (the infrared/night indicator), noise, stripes, occlusion, freeze against a frame a few
// seconds earlier, shake, and scene change against the reference snapshot an operator confirmed
// (基准画面). A frame that is a uniform screen (signal loss, black, white, blue) reports only that root
// fault: the other checks mean nothing on it. The algorithms, thresholds, their sources and the measured
// accuracy are in docs/vqd.md.
package vqd
