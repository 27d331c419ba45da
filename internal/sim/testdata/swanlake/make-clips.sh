#!/usr/bin/env bash
# make-clips.sh — makes the simulated Swan Lake park's camera clips in this directory, once; the results
# are committed, so `swanwatch demo` and the tests need no ffmpeg. Every clip comes from the project's one
# clip generator, scripts/vqd-clips.sh (see its header for scenes, faults and severities), at 320x180,
# 4 s, 25 fps, constrained baseline, IDR every 25 frames, SPS/PPS before each IDR, plus one JPEG per second
# (NAME-01.jpg … NAME-04.jpg) that the park's snapshot endpoint serves for the second the stream shows.
#
#   internal/sim/testdata/swanlake/make-clips.sh      (from anywhere; needs ffmpeg)
#
# Clips: six clean day views (three scenes × two seeds) so the cameras differ, the same six views at
# night (infrared), and six faulty cameras, each a fault of one of those views. lake-day-1-moved is
# lake-day-1's view turned aside: what KnockCamera switches the demo camera to (lake-night-1-moved after dusk).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gen=$here/../../../../scripts/vqd-clips.sh
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT
clip() { # clip NAME SEED SCENE FAULT [SEVERITY]
	VQD_CACHE=$cache SEED=$2 bash "$gen" "$3" "$4" "${5:-strong}" "$here/$1.h264" 4 320x180
}
for scene in lake plaza path; do
	for seed in 1 2; do
		clip "$scene-day-$seed" "$seed" "$scene-day" clean
		clip "$scene-night-$seed" "$seed" "$scene-night" clean
	done
done
clip lake-day-1-moved 1 lake-day scene_change
clip lake-night-1-moved 1 lake-night scene_change
clip lake-day-2-black 2 lake-day black_screen
clip plaza-day-1-cast 1 plaza-day color_cast
clip plaza-day-2-frozen 2 plaza-day frozen
clip path-day-1-occluded 1 path-day occlusion
clip path-day-2-blur 2 path-day blur
du -sh "$here"
