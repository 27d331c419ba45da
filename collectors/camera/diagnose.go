package camera

import (
	"context"
	"image"
	"time"

	"github.com/swanwatch/swanwatch/internal/vqd"
)

// vqdQueueWait is how long a round waits for a diagnosis slot before leaving it to the next round;
// decodedQueueWait when it holds frames already decoded, which a batch hands over up to 16 at once.
const (
	vqdQueueWait     = time.Second
	decodedQueueWait = 5 * time.Second
)

// ReasonNoDecoder is the status of a camera whose diagnosis has no frame source.
const ReasonNoDecoder = "未启用：无解码器"

// diagnose runs the video quality diagnosis of a round: two frames a few seconds apart (two
// snapshots, or the first and the last keyframe of the session), judged with the camera's
// thresholds and reference; the thumbnail, evidence and provisional reference go to the store.
func (c *Collector) diagnose(ctx context.Context, name string, t camTarget, st *camState, res *sessionResult, snap *snapshotFetch) {
	if !c.vqdEnabled(t) {
		st.vqdFailed(ReasonNoDecoder, c.now())
		return
	}
	// RTSP keyframes are decoded before taking a slot: the decoder gathers the requests that come
	// due close together into one ffmpeg process and bounds its processes itself (decode_batch.go),
	// which it could not do if every request waiting for its batch held a slot.
	var prev, cur image.Image
	var source, reason string
	if snap == nil {
		prev, cur, source, reason = c.frames(ctx, t, res, nil)
	}
	// A bounded number of diagnoses at once. A round that finds them busy for a while tries again
	// next round: after a start, when every camera's first round is due, the diagnoses spread over
	// the first minutes instead of holding the Runner's slots in a queue.
	queueWait := vqdQueueWait
	if cur != nil {
		queueWait = decodedQueueWait
	}
	wait := time.NewTimer(queueWait)
	defer wait.Stop()
	select {
	case c.vqdSem <- struct{}{}:
		defer func() { <-c.vqdSem }()
	case <-wait.C:
		snap.abandon()
		return
	case <-ctx.Done():
		snap.abandon()
		return
	}
	at := c.now()
	if snap != nil {
		prev, cur, source, reason = c.frames(ctx, t, res, snap)
	}
	if cur == nil {
		st.vqdFailed(reason, at)
		c.log.Debug("camera: no frame for the diagnosis", "camera", name, "reason", reason)
		return
	}
	night := st.lastNight()
	in := vqd.Input{Frame: cur, Previous: prev, Mode: t.night.at(at)}
	if c.store != nil {
		in.Reference = c.store.reference(name, night)
	}
	r := c.analyze(in, t.vqd)
	if c.store != nil && r.Night != night { // the profile changed: judge against its own reference
		if in.Reference = c.store.reference(name, r.Night); in.Reference != nil {
			r = c.analyze(in, t.vqd)
		}
	}
	on := st.vqdDone(r, source, at)
	c.keepPictures(name, st, cur, r, on, at)
}

// frames returns the previous and current frame of a diagnosis, or why there is none.
func (c *Collector) frames(ctx context.Context, t camTarget, res *sessionResult, snap *snapshotFetch) (prev, cur image.Image, source, reason string) {
	if snap != nil {
		first, at, err := snap.wait()
		if err == nil {
			if wait := c.cfg.FreezeGap - time.Since(at); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return nil, first, "snapshot", ""
				}
			}
			second, err := c.snapshot(ctx, t)
			if err != nil {
				return nil, first, "snapshot", ""
			}
			return first, second, "snapshot", ""
		}
		reason = err.Error()
	}
	if c.ffmpeg == "" {
		if reason == "" {
			reason = ReasonNoDecoder
		}
		return nil, nil, "", reason
	}
	imgs, err := decodeKeyframes(ctx, c.ffmpeg, res.codec, res.params, res.captured, c.cfg.DecodeTimeout)
	switch {
	case err != nil && reason != "":
		return nil, nil, "", reason + "；" + err.Error()
	case err != nil:
		return nil, nil, "", err.Error()
	case len(imgs) >= 2:
		return imgs[0], imgs[len(imgs)-1], "rtsp", ""
	default:
		return nil, imgs[0], "rtsp", ""
	}
}

// keepPictures stores the frame's thumbnail, the evidence of faults that turned on, and the first
// fault-free frame of a profile as its provisional reference (until an operator confirms one).
func (c *Collector) keepPictures(name string, st *camState, img image.Image, r vqd.Result, on []vqd.Fault, at time.Time) {
	if c.store == nil {
		return
	}
	thumb, err := c.store.putFrame(name, img, at, r.Night, c.cfg.ThumbWidth)
	if err != nil {
		c.log.Warn("camera: store the last frame", "camera", name, "err", err)
		return
	}
	st.thumbTaken(at)
	for _, f := range on {
		if err := c.store.putEvidence(name, f, at, thumb); err != nil {
			c.log.Warn("camera: store evidence", "camera", name, "fault", string(f), "err", err)
		}
	}
	if len(r.Faults) == 0 || hasFault(r) {
		return
	}
	if _, err := c.store.provisional(name); err != nil {
		c.log.Warn("camera: store the provisional reference", "camera", name, "err", err)
	}
}

func hasFault(r vqd.Result) bool {
	for _, bad := range r.Faults {
		if bad {
			return true
		}
	}
	return false
}
