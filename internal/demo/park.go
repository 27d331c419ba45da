package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/sim"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// parkOpenHours is the scenic area's opening hours: its LED screens are
// dark at night by schedule, which is not downtime.
const parkOpenHours = "景区开放时间"

// parkConfig watches the scenic area at the demo's pace: cameras every
// round, a picture diagnosis every 30 s (5 minutes in production), recorders
// and park devices every round.
func parkConfig(cfg *config.Config, interval time.Duration) {
	cam := &cfg.Collectors.Camera
	cam.Interval = max(interval, 10*time.Second)
	cam.Timeout = cam.Interval * 2 / 3
	cam.VQDInterval = 30 * time.Second // thumbnails and the story move quicker than in production
	cfg.Collectors.NVR.Interval = max(interval, 15*time.Second)
	cfg.Collectors.NVR.Timeout = cfg.Collectors.NVR.Interval * 2 / 3
	cfg.Collectors.Device.Interval = max(interval, 10*time.Second)
	cfg.Collectors.Device.Timeout = cfg.Collectors.Device.Interval * 2 / 3
	open := sla.Calendar{Name: parkOpenHours, Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, Start: "07:30", End: "18:30"}
	if err := open.Compile(); err != nil { // constants: TestParkConfig
		panic(err)
	}
	cfg.SLA.Calendars = append(cfg.SLA.Calendars, open)
	cfg.SLA.SLIs = append(cfg.SLA.SLIs, sla.SLI{Name: "led_availability", Calendar: parkOpenHours})
}

// pushTokenFile holds the token the plate cameras push with.
func pushTokenFile(dir string) string { return filepath.Join(dir, "plate-push.token") }

// writePushToken makes a fresh push token for this run.
func writePushToken(dir string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b)
	if err := os.WriteFile(pushTokenFile(dir), []byte(token+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write the plate cameras' push token: %w", err)
	}
	return token, nil
}

// parkStory is the scenic area's story: a camera at 观鸟台 is knocked aside
// (the wall shows 画面偏移 beside its 基准画面), and a minute later a gate at
// the south entrance jams as the evening crowd leaves; the gate is freed
// after five minutes, the camera put back after ten.
func parkStory(s *sim.Sim, after time.Duration, out io.Writer) Actor {
	ctx, cancel := context.WithCancel(context.Background())
	return Actor{Run: func() error {
		cam, gate := s.DemoCamera(), s.DemoGate()
		if cam == "" || after < 0 {
			<-ctx.Done()
			return nil
		}
		say(out, "演示场景：%s 后景区摄像机 %s 被碰歪（画面偏移），再过 1 分钟闸机 %s 卡死。\n", after, cam, gate)
		for _, step := range []struct {
			wait time.Duration
			do   func() error
			line string
		}{
			{after, func() error { return s.KnockCamera(cam) }, "摄像机 " + cam + " 被碰歪"},
			{time.Minute, func() error { return s.JamGate(gate) }, "闸机 " + gate + " 卡死"},
			{5 * time.Minute, func() error { return s.FreeGate(gate) }, "闸机 " + gate + " 恢复"},
			{4 * time.Minute, func() error { return s.FixCamera(cam) }, "摄像机 " + cam + " 复位"},
		} {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(step.wait):
			}
			if err := step.do(); err != nil {
				return fmt.Errorf("demo park story: %w", err)
			}
			say(out, "演示场景：%s（%s）\n", step.line, cst.FormatTime(time.Now()))
		}
		<-ctx.Done()
		return nil
	}, Stop: func(error) { cancel() }}
}
