package camera

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/swanwatch/swanwatch/internal/vqd"
)

func TestTileDrawsTheCameraAsTheWallShowsIt(t *testing.T) {
	age, round := 3.0, time.Unix(1_800_000_000, 0)
	ok := Tile(CameraStatus{Camera: "cam-1", Online: true, LastRound: round, ThumbAge: &age}, "观鸟台")
	assert.Equal(t, "ok", ok.State)
	assert.Equal(t, "观鸟台 cam-1", ok.Title)
	assert.Equal(t, WallThumbPath+"?camera=cam-1&v=1800000000", ok.Thumb, "the address changes with the round")
	assert.Empty(t, ok.Reference)

	moved := Tile(CameraStatus{Camera: "cam 2", Online: true, ThumbAge: &age,
		Faults: []FaultStatus{{ID: vqd.Blur, Name: "画面模糊"}, {ID: vqd.SceneChange, Name: "画面偏移"}}}, "")
	assert.Equal(t, "warn", moved.State)
	assert.Equal(t, "cam 2", moved.Title, "no site, no leading space")
	assert.Equal(t, []string{"画面模糊", "画面偏移"}, moved.Faults)
	assert.Equal(t, WallReferencePath+"?camera=cam+2", moved.Reference, "a moved camera shows its 基准画面")

	off := Tile(CameraStatus{Camera: "cam-3"}, "南门")
	assert.Equal(t, "bad", off.State)
	assert.Equal(t, []string{"离线"}, off.Faults)
	assert.Empty(t, off.Thumb, "no picture yet: no thumbnail to load")
}
