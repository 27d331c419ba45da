package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// The Swan Lake scenic area (天鹅湖景区, R-C2/R-C3) in the morning's
// inspection: every camera, recording channel, NVR disk, gate, barrier and
// LED screen as it is now, the car parks, and the last 24 hours' visitors.

// ScenicSnapshot is the scenic area now, as the caller read it.
type ScenicSnapshot struct {
	Cameras  []CameraState
	Channels []ChannelState
	Disks    []DiskState
	Devices  []ParkDeviceState
	Lots     []LotState
	Flow     FlowFigures // the 24 h before the report
}

// CameraState is one camera: online (a keyframe in the last round) and
// the fault ids of its last fresh diagnosis (docs/swanlake.md).
type CameraState struct {
	Instance, Site string
	Online         bool
	Faults         []string
}

// ChannelState is one NVR channel. Retention and Required are days; a
// Required of 0 is unknown (no judgement).
type ChannelState struct {
	NVR, Channel, Camera, Site string
	Recording                  bool
	Retention, Required        float64
}

// DiskState is one NVR disk.
type DiskState struct {
	NVR, Disk string
	OK        bool
}

// Park device kinds.
const (
	DeviceGate    = "gate"    // 闸机
	DeviceBarrier = "barrier" // 道闸
	DeviceLED     = "led"     // LED屏
)

// ParkDeviceState is one gate, barrier or LED screen; Name is the gate's
// name (or the screen's instance).
type ParkDeviceState struct {
	Kind, Instance, Name, Site string
	OK                         bool // working; for a screen: lit
}

// LotState is one car park's free spaces.
type LotState struct {
	Lot, Site      string
	Free, Capacity float64
}

// FlowFigures are passages counted in a period; each unknown when no
// counter reported (无数据, not 0).
type FlowFigures struct {
	VisitorsIn, VisitorsOut, VehiclesIn, VehiclesOut Value // Count
}

// Scenic problem kinds, in the order the report lists them.
const (
	ScenicCameraOffline = "camera_offline"
	ScenicPictureFault  = "picture_fault"
	ScenicRecordingGap  = "recording_gap"
	ScenicRetention     = "retention_short"
	ScenicDiskFault     = "disk_fault"
	ScenicGateFault     = "gate_fault"
	ScenicBarrierFault  = "barrier_fault"
	ScenicLEDOff        = "led_off"
)

var scenicOrder = []string{ScenicCameraOffline, ScenicPictureFault, ScenicRecordingGap, ScenicRetention,
	ScenicDiskFault, ScenicGateFault, ScenicBarrierFault, ScenicLEDOff}

var scenicWords = map[string]string{
	ScenicCameraOffline: "摄像机离线", ScenicPictureFault: "画面故障", ScenicRecordingGap: "录像缺失",
	ScenicRetention: "录像保存天数不足", ScenicDiskFault: "NVR硬盘故障", ScenicGateFault: "闸机故障",
	ScenicBarrierFault: "道闸故障", ScenicLEDOff: "LED屏黑屏",
}

// faultWords are the glossary's words for the VQD fault ids; an id not
// listed is shown as it is.
var faultWords = map[string]string{
	"signal_loss": "信号丢失", "black_screen": "黑屏", "white_screen": "白屏", "blue_screen": "蓝屏",
	"frozen": "画面冻结", "too_dark": "画面过暗", "too_bright": "画面过亮", "low_contrast": "对比度低",
	"blur": "画面模糊", "occlusion": "遮挡", "color_cast": "偏色", "noise": "雪花噪声",
	"stripes": "条纹干扰", "scene_change": "画面偏移", "shake": "画面抖动",
}

// ScenicStatus is the scenic area in the report.
type ScenicStatus struct {
	HasData                     bool
	Cameras, CamerasOnline      int
	CameraRate                  Value // Ratio; unknown without cameras
	PictureFaults               int   // online cameras with a fault
	Channels, Gaps, ShortKept   int
	Disks, DisksFailed          int
	Gates, GatesOK              int
	Barriers, BarriersOK        int
	LEDs, LEDsOn                int
	Lots                        []LotStatus
	Flow                        FlowFigures
	Problems                    []ScenicProblem // in scenicOrder, then site and entity
	FreeSpaces, ParkingCapacity float64
}

// LotStatus is one car park with its free ratio (unknown for capacity 0).
type LotStatus struct {
	LotState
	FreeRatio Value
}

// ScenicProblem is one camera, channel, disk or device not as it should be.
type ScenicProblem struct {
	Kind, Entity, Site, Detail string
}

// scenic judges the snapshot; entities without a name are noted and left out.
func (b *inspectionBuild) scenic(s ScenicSnapshot) {
	out := &b.out.Scenic
	out.Flow = s.Flow
	out.CameraRate = Value{Kind: Ratio}
	b.scenicCameras(s.Cameras)
	b.scenicRecording(s.Channels, s.Disks)
	b.scenicDevices(s.Devices)
	b.scenicLots(s.Lots)
	out.HasData = len(s.Cameras)+len(s.Channels)+len(s.Disks)+len(s.Devices)+len(out.Lots) > 0 ||
		s.Flow.VisitorsIn.Known || s.Flow.VisitorsOut.Known || s.Flow.VehiclesIn.Known || s.Flow.VehiclesOut.Known
	slices.SortStableFunc(out.Problems, func(x, y ScenicProblem) int {
		return cmp.Or(cmp.Compare(slices.Index(scenicOrder, x.Kind), slices.Index(scenicOrder, y.Kind)),
			cmp.Compare(x.Site, y.Site), cmp.Compare(x.Entity, y.Entity))
	})
}

func (b *inspectionBuild) problem(kind, entity, site, detail string) {
	b.out.Scenic.Problems = append(b.out.Scenic.Problems, ScenicProblem{kind, entity, site, detail})
}

func (b *inspectionBuild) scenicCameras(cams []CameraState) {
	out := &b.out.Scenic
	seen := map[string]bool{}
	for _, c := range cams {
		if !b.keep(c.Instance, "摄像机", "今日", seen) {
			continue
		}
		out.Cameras++
		if !c.Online {
			b.problem(ScenicCameraOffline, c.Instance, c.Site, "未取到视频")
			continue // an offline camera's last diagnosis is stale: not a picture fault of now
		}
		out.CamerasOnline++
		if len(c.Faults) > 0 {
			out.PictureFaults++
			b.problem(ScenicPictureFault, c.Instance, c.Site, faultList(c.Faults))
		}
	}
	if out.Cameras > 0 {
		out.CameraRate = Value{V: float64(out.CamerasOnline) / float64(out.Cameras), Kind: Ratio, Known: true}
	}
}

func faultList(ids []string) string {
	words := make([]string, 0, len(ids))
	for _, id := range slices.Sorted(slices.Values(ids)) {
		words = append(words, word(faultWords, id))
	}
	return strings.Join(slices.Compact(words), "、")
}

func (b *inspectionBuild) scenicRecording(chs []ChannelState, disks []DiskState) {
	out := &b.out.Scenic
	for _, c := range chs {
		out.Channels++
		name := c.NVR + " 通道 " + c.Channel
		if c.Camera != "" {
			name += "（" + c.Camera + "）"
		}
		if !c.Recording {
			out.Gaps++
			b.problem(ScenicRecordingGap, name, c.Site, "最近5分钟无录像")
		}
		if c.Required > 0 && c.Retention < c.Required {
			out.ShortKept++
			b.problem(ScenicRetention, name, c.Site, fmt.Sprintf("保存 %.1f 天，要求 %.0f 天", c.Retention, c.Required))
		}
	}
	for _, d := range disks {
		out.Disks++
		if !d.OK {
			out.DisksFailed++
			b.problem(ScenicDiskFault, d.NVR+" 硬盘 "+d.Disk, "", "故障、未格式化或离线")
		}
	}
}

func (b *inspectionBuild) scenicDevices(devs []ParkDeviceState) {
	out := &b.out.Scenic
	for _, d := range devs {
		var total, ok *int
		var kind string
		switch d.Kind {
		case DeviceGate:
			total, ok, kind = &out.Gates, &out.GatesOK, ScenicGateFault
		case DeviceBarrier:
			total, ok, kind = &out.Barriers, &out.BarriersOK, ScenicBarrierFault
		case DeviceLED:
			total, ok, kind = &out.LEDs, &out.LEDsOn, ScenicLEDOff
		default:
			b.note("device", fmt.Sprintf("园区设备 %s 的类别 %q 无法识别，未计入。", d.Instance, d.Kind))
			continue
		}
		*total++
		if d.OK {
			*ok++
			continue
		}
		b.problem(kind, cmp.Or(d.Name, d.Instance), d.Site, "设备 "+d.Instance)
	}
}

func (b *inspectionBuild) scenicLots(lots []LotState) {
	out := &b.out.Scenic
	for _, l := range lots {
		if math.IsNaN(l.Free) || math.IsNaN(l.Capacity) || l.Free < 0 || l.Capacity < 0 {
			b.note("parking", fmt.Sprintf("停车场 %s 的车位数不是有效数字，未计入。", l.Lot))
			continue
		}
		ls := LotStatus{LotState: l, FreeRatio: Value{Kind: Ratio}}
		if l.Capacity > 0 {
			ls.FreeRatio = Value{V: math.Min(l.Free/l.Capacity, 1), Kind: Ratio, Known: true}
		}
		out.Lots = append(out.Lots, ls)
		out.FreeSpaces += l.Free
		out.ParkingCapacity += l.Capacity
	}
	slices.SortStableFunc(out.Lots, func(x, y LotStatus) int { return cmp.Or(cmp.Compare(x.Site, y.Site), cmp.Compare(x.Lot, y.Lot)) })
}
