package report

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Worked out from fixtureScenicSnapshot's comments.
func TestBuildInspectionScenic(t *testing.T) {
	s := buildFixtureInspection(t, fixtureInspectionInput()).Scenic
	require.True(t, s.HasData)
	assert.Equal(t, [3]int{4, 3, 1}, [3]int{s.Cameras, s.CamerasOnline, s.PictureFaults}, "cam-e1's fault is stale: it is offline")
	assert.Equal(t, "75.0000%", s.CameraRate.text())
	assert.Equal(t, [3]int{3, 1, 1}, [3]int{s.Channels, s.Gaps, s.ShortKept}, "301 has no known requirement")
	assert.Equal(t, [2]int{2, 1}, [2]int{s.Disks, s.DisksFailed})
	assert.Equal(t, [6]int{2, 1, 1, 1, 2, 1}, [6]int{s.Gates, s.GatesOK, s.Barriers, s.BarriersOK, s.LEDs, s.LEDsOn})
	assert.Equal(t, []ScenicProblem{
		{ScenicCameraOffline, "cam-e1", "东停车场", "未取到视频"},
		{ScenicPictureFault, "cam-n2", "北门广场", "画面模糊、画面偏移"},
		{ScenicRecordingGap, "nvr-1 通道 201（cam-n2）", "监控中心", "最近5分钟无录像"},
		{ScenicRetention, "nvr-1 通道 201（cam-n2）", "监控中心", "保存 29.5 天，要求 30 天"},
		{ScenicDiskFault, "nvr-1 硬盘 2", "", "故障、未格式化或离线"},
		{ScenicGateFault, "北门2号", "北门广场", "设备 gate-n"},
		{ScenicLEDOff, "led-1", "北门广场", "设备 led-1"},
	}, s.Problems)
	require.Len(t, s.Lots, 3)
	assert.Equal(t, []string{"A区", "B区", "F区"}, []string{s.Lots[0].Lot, s.Lots[1].Lot, s.Lots[2].Lot})
	assert.Equal(t, "40.0000%", s.Lots[0].FreeRatio.text())
	assert.Equal(t, "0.0000%", s.Lots[1].FreeRatio.text(), "a full lot")
	assert.False(t, s.Lots[2].FreeRatio.Known, "capacity 0: no ratio")
	assert.Equal(t, [2]float64{80, 300}, [2]float64{s.FreeSpaces, s.ParkingCapacity})
	assert.Contains(t, s.summary(), "近24小时入园 12345 人次、出园 12001 人次，车辆入场 2040 辆次、出场 无数据 辆次。")
	assert.Contains(t, s.summary(), "摄像机 4 台，在线 3 台（在线率 75.0000%），画面故障 1 台")
}

// Entries without a name, devices of no known kind and car parks without a
// number are left out and said so.
func TestBuildInspectionScenicBadInput(t *testing.T) {
	in := fixtureInspectionInput()
	in.Scenic.Cameras = append(in.Scenic.Cameras, CameraState{Site: "西门", Online: true}, CameraState{Instance: "cam-n1"})
	in.Scenic.Devices = append(in.Scenic.Devices, ParkDeviceState{Kind: "fountain", Instance: "fountain-1"})
	in.Scenic.Lots = append(in.Scenic.Lots, LotState{Lot: "G区", Free: math.NaN(), Capacity: 50})
	out := buildFixtureInspection(t, in)
	assert.Equal(t, 4, out.Scenic.Cameras)
	assert.Equal(t, 5, out.Scenic.Gates+out.Scenic.Barriers+out.Scenic.LEDs, "the fountain is not counted")
	assert.Len(t, out.Scenic.Lots, 3)
	notes := strings.Join(out.Notes, "\n")
	for _, w := range []string{"今日快照中有一个未命名的摄像机", "今日快照中摄像机 cam-n1 重复出现", `园区设备 fountain-1 的类别 "fountain" 无法识别`,
		"停车场 G区 的车位数不是有效数字"} {
		assert.Contains(t, notes, w)
	}
}

// A morning without the scenic area says so in one line, in both formats.
func TestRenderInspectionScenicNoData(t *testing.T) {
	in := fixtureInspectionInput()
	in.Scenic = ScenicSnapshot{}
	out := buildFixtureInspection(t, in)
	assert.False(t, out.Scenic.HasData)
	var h, p bytes.Buffer
	require.NoError(t, RenderInspectionHTML(&h, out))
	require.NoError(t, RenderInspectionPDF(&p, out))
	assert.Contains(t, h.String(), "本次巡检无天鹅湖景区数据（无数据）。")
	assert.NotContains(t, h.String(), "设备异常")
	// flow alone is data
	in.Scenic.Flow.VisitorsIn = Value{V: 3, Kind: Count, Known: true}
	assert.True(t, buildFixtureInspection(t, in).Scenic.HasData)
}
