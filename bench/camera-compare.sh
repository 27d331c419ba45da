#!/usr/bin/env bash
# camera-compare.sh [SECONDS=300] [CAMERAS=500] [PROBED=50] — the camera collector against the
# usual script approach, side by side in one run, on one GStreamer RTSP server on loopback.
#
#   ours:    collectors/camera/internal/benchdriver, the collector under the Runner with the default
#            schedule (stream check every 60 s, diagnosis every 5 min with ffmpeg decoding a keyframe),
#            CAMERAS cameras spread over 10 shared mounts; CPU of the process and of its ffmpeg
#            children (getrusage), peak RSS (VmHWM).
#   script:  one `ffprobe -rtsp_transport tcp URL` per camera per minute, as monitoring scripts do,
#            for PROBED cameras (ffprobe on all 500 would need more than this machine's two cores);
#            its CPU is the probes' (bash `times`, children). Both are compared per camera-minute.
# SNAPSHOTS=1 gives every camera a snapshot_url (a 640x360 JPEG served inside the driver, so its
# CPU counts on our side), the frame source most cameras offer; without it every diagnosis decodes
# RTSP keyframes with an ffmpeg process (the fallback).
# SECONDS should be at least 300: every camera's first round diagnoses it, so a 5-minute window
# holds exactly the steady state (5 stream checks and 1 diagnosis per camera). The RTSP server's own
# CPU counts for neither side. Binaries are built under BENCH_DIR (default: a new directory under
# /work/tmpbin or $TMPDIR; /tmp may be mounted noexec).
set -euo pipefail
secs=${1:-300}; cams=${2:-500}; probed=${3:-50}
cd "$(dirname "$0")/.."
root=$(pwd)
base=${BENCH_DIR:-}
if [ -z "$base" ]; then
  parent=/work/tmpbin; [ -d "$parent" ] && [ -w "$parent" ] || parent=${TMPDIR:-/tmp}
  base=$(mktemp -d "$parent/camera-compare.XXXXXX")
fi
mkdir -p "$base"; work=$(cd "$base" && pwd)
cleanup() { [ -n "${simpid:-}" ] && kill -- "-$simpid" 2>/dev/null || true; }
trap cleanup EXIT
for bin in /usr/bin/python3 /usr/bin/ffmpeg /usr/bin/ffprobe; do
  [ -x "$bin" ] || { echo "camera-compare: $bin missing (scripts/install-peers.sh)" >&2; exit 1; }
done
go build -o "$work/benchdriver" ./collectors/camera/internal/benchdriver

# the RTSP server: rtspsim.py picks its ports and says them on its first line
setsid /usr/bin/python3 -u internal/testpeer/testdata/rtspsim.py admin bench-pw 640x360 > "$work/rtsp.log" 2>&1 &
simpid=$!
for _ in $(seq 100); do grep -q READY "$work/rtsp.log" && break; sleep 0.1; done
port=$(sed -n 's/^READY digest=\([0-9]*\).*/\1/p' "$work/rtsp.log")
[ -n "$port" ] || { echo "camera-compare: RTSP server did not start:" >&2; cat "$work/rtsp.log" >&2; exit 1; }
server=127.0.0.1:$port
mounts=(cam1 cam2 cam3 scene blur cast occluded moved frozen black)

# the script approach, in a subshell whose `times` gives the probes' CPU
probe_loop() {
  local minutes=$(( (secs + 59) / 60 )) gap
  gap=$(awk -v p="$probed" 'BEGIN{printf "%.3f", 60/p}')
  local ok=0 fail=0 m i
  for m in $(seq "$minutes"); do
    for i in $(seq 0 $((probed - 1))); do
      ( timeout 30 ffprobe -v error -rtsp_transport tcp -show_entries stream=codec_name,width,height,avg_frame_rate \
          -of csv=p=0 "rtsp://$server/${mounts[$((i % ${#mounts[@]}))]}" > /dev/null 2>&1 \
          && echo ok >> "$work/probe.results" || echo fail >> "$work/probe.results" ) &
      sleep "$gap"
    done
  done
  wait
  times
}
: > "$work/probe.results"
( probe_loop ) > "$work/probe.times" 2>&1 &
probepid=$!

snap=(); [ "${SNAPSHOTS:-0}" = 1 ] && snap=(-snapshots)
"$work/benchdriver" -rtsp "$server" -cameras "$cams" -duration "${secs}s" -pictures "$work/pictures" "${snap[@]}" \
  > "$work/ours.json" 2> "$work/ours.log"
wait "$probepid"

# `times` prints the shell's line then the children's: "0m1.234s 0m0.567s"
probe_cpu=$(tail -n 1 "$work/probe.times" | awk '{
  n = split($0, f, " "); s = 0
  for (i = 1; i <= n; i++) { split(f[i], p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
  print s }')
probe_ok=$(grep -c ok "$work/probe.results" || true); probe_fail=$(grep -c fail "$work/probe.results" || true)
minutes=$(( (secs + 59) / 60 ))

python3 - "$work/ours.json" "$probe_cpu" "$probed" "$minutes" "$probe_ok" "$probe_fail" "$cams" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
probe_cpu, probed, minutes = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
probe_ok, probe_fail, cams = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
our_cpu = ours["cpu_self_seconds"] + ours["cpu_children_seconds"]
checks = ours["rounds_ok"] + ours["rounds_failed"]
ours_per = our_cpu / checks
probe_per = probe_cpu / (probe_ok + probe_fail)
diag = ours["cameras_diagnosed"] / checks  # each camera is diagnosed once in a 5-minute run
print(f"camera collector: {cams} cameras for {ours['seconds']:.0f} s: CPU {our_cpu:.1f} s "
      f"(self {ours['cpu_self_seconds']:.1f} s, ffmpeg {ours['cpu_children_seconds']:.1f} s) = "
      f"{100 * ours['cpu_share_of_one_core']:.1f} % of one core; peak RSS {ours['max_rss_mib']:.0f} MiB; "
      f"rounds up {ours['rounds_ok']}, down {ours['rounds_failed']} {ours.get('down_errors', {})}; "
      f"diagnoses {ours['cameras_diagnosed']} ({diag:.2f} per round; steady state 0.20)")
print(f"ffprobe per camera per minute: {probed} cameras x {minutes} min: CPU {probe_cpu:.1f} s, "
      f"probes ok {probe_ok}, failed {probe_fail}; for {cams} cameras that is "
      f"{100 * probe_per * cams / 60:.0f} % of one core")
print(f"CPU per check: ours {1000 * ours_per:.1f} ms (stream check + {diag:.2f} diagnosis), "
      f"ffprobe {1000 * probe_per:.1f} ms (stream check only); ratio ours/ffprobe = {ours_per / probe_per:.3f}")
PY
echo "raw: $work/ours.json $work/probe.times"
