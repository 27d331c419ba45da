#!/usr/bin/env bash
# run.sh — the syslog receiver side by side with rsyslog (Debian's rsyslogd, imtcp/imudp → omfile,
# the usual receiver writing files), both on ONE core (taskset -c $CORE; ours with GOMAXPROCS=1),
# the same load from bench/syslog/loadgen on the other core, in one run:
#   1. throughput: N RFC 5424 lines of a firewall's session log over one TCP connection,
#      octet-counted, as fast as the receiver takes them → events/s accepted (until the last is on disk);
#   2. sustained: the same lines over UDP at RATE lines/s for SECONDS → lines lost;
#   bytes on disk per event: ours in the event store (open day, then compressed as a closed day),
#   rsyslog's file.
#
#   bench/syslog/run.sh [N=300000] [RATE=20000] [SECONDS=10] [CORE=0] [LOADCORE=1]
#
# Ours fsyncs each batch (the event store's durability); rsyslog's omfile does not fsync by default.
# Both get a 4 MiB UDP socket buffer (ours asks for 8 MiB, Linux caps it at net.core.rmem_max; rsyslog's
# imudp is given rcvbufSize="4m"), so UDP loss compares the receivers, not their buffer defaults.
# The CPU per event (getrusage for ours, /proc/PID/stat for rsyslogd, every thread, until the last line
# is on disk) is the figure to compare on a shared machine; the wall-clock rate depends on what else runs.
set -euo pipefail
N=${1:-300000}; RATE=${2:-20000}; SECS=${3:-10}; CORE=${4:-0}; LOADCORE=${5:-1}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d -p "${BENCH_TMP:-/work/tmpbin}" syslog-bench.XXXXXX)
PIDS=()
cleanup() { # stop only what this script started, by PID
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
for b in /usr/sbin/rsyslogd taskset go; do
  command -v "$b" >/dev/null || { echo "run.sh: $b missing (scripts/install-peers.sh installs rsyslog)" >&2; exit 1; }
done
UDP_N=$((RATE * SECS))
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2" | tail -1; }

echo "== build"
(cd "$ROOT" && go build -o "$WORK/loadgen" ./bench/syslog/loadgen && go build -o "$WORK/receiver" ./bench/syslog/receiver)
load() { taskset -c "$LOADCORE" "$WORK/loadgen" "$@"; }

ours() { # ours PROTO COUNT [loadgen args...] → prints "events end_ns start_ns raw compressed cpu_ns"
  local proto=$1 count=$2; shift 2
  local p; p=$(port); rm -rf "$WORK/store" "$WORK/ready"
  GOMAXPROCS=1 taskset -c "$CORE" "$WORK/receiver" "-$proto" "127.0.0.1:$p" -dir "$WORK/store" -n "$count" \
    -ready "$WORK/ready" > "$WORK/ours.out" 2> "$WORK/ours.err" &
  local pid=$!; PIDS+=("$pid")
  for _ in $(seq 100); do [ -e "$WORK/ready" ] && break; sleep 0.05; done
  load -proto "$proto" -target "127.0.0.1:$p" -n "$count" "$@" > "$WORK/load.out"
  wait "$pid"; PIDS=()
  grep RESULT "$WORK/ours.out" | sed 's/^RESULT/  ours:/' >&2
  echo "$(field events "$WORK/ours.out") $(field last_ns "$WORK/ours.out") $(field start_ns "$WORK/load.out") $(field store_bytes_raw "$WORK/ours.out") $(field store_bytes_compressed "$WORK/ours.out") $(field cpu_ns "$WORK/ours.out")"
}

rsys() { # rsys PROTO COUNT [loadgen args...] → prints "lines end_ns start_ns bytes cpu_ns"
  local proto=$1 count=$2; shift 2
  local p; p=$(port); local d="$WORK/rsyslog"; rm -rf "$d"; mkdir -p "$d/work"
  cat > "$d/rsyslog.conf" <<CONF
global(workDirectory="$d/work" maxMessageSize="64k")
module(load="imtcp")
module(load="imudp")
input(type="imtcp" address="127.0.0.1" port="$p")
input(type="imudp" address="127.0.0.1" port="$p" rcvbufSize="4m")
action(type="omfile" file="$d/out.log" template="RSYSLOG_TraditionalFileFormat")
CONF
  taskset -c "$CORE" /usr/sbin/rsyslogd -n -f "$d/rsyslog.conf" -i "$d/pid" > "$d/log" 2>&1 &
  local pid=$!; PIDS+=("$pid")
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.05; done
  : > "$d/out.log"
  load -proto "$proto" -target "127.0.0.1:$p" -n "$count" "$@" > "$WORK/load.out"
  local lines=0 prev=-1 end=0 still=0 cpu=0
  while :; do # until all lines are in the file, or 3 s without a new one
    lines=$(wc -l < "$d/out.log")
    [ "$lines" != "$prev" ] && { end=$(date +%s%N); still=0; cpu=$(cpu_ns "$pid"); } || still=$((still + 1))
    [ "$lines" -ge "$count" ] || [ "$still" -ge 100 ] && break
    prev=$lines; sleep 0.1
  done
  echo "  rsyslog: kernel drops of its UDP socket $(udp_drops "$p")" >&2
  kill "$pid"; wait "$pid" 2>/dev/null || true; PIDS=()
  echo "$lines $end $(field start_ns "$WORK/load.out") $(stat -c %s "$d/out.log") $cpu"
}

# cpu_ns PID: user+system CPU of a process and all its threads, from /proc (clock ticks).
cpu_ns() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1e9 / hz }' "/proc/$1/stat"; }
# udp_drops PORT: the kernel's drop count of the UDP socket bound to PORT (/proc/net/udp).
udp_drops() { awk -v p="$(printf ':%04X' "$1")" 'index($2, p) == length($2) - 4 { print $NF }' /proc/net/udp | head -1; }
rate() { awk -v n="$1" -v e="$2" -v s="$3" 'BEGIN { printf "%.0f", n / ((e - s) / 1e9) }'; }

echo "== 1. throughput: $N lines over TCP (octet-counted RFC 5424), receivers on core $CORE"
read -r O_N O_END O_START O_RAW O_ZST O_CPU <<<"$(ours tcp "$N")"
read -r R_N R_END R_START R_BYTES R_CPU <<<"$(rsys tcp "$N")"
O_RATE=$(rate "$O_N" "$O_END" "$O_START"); R_RATE=$(rate "$R_N" "$R_END" "$R_START")
echo "swanwatch: $O_N/$N events stored, $O_RATE events/s"
echo "rsyslog:   $R_N/$N lines written, $R_RATE lines/s"

echo "== 2. sustained: $UDP_N lines over UDP at $RATE/s"
read -r OU_N _ _ _ _ _ <<<"$(ours udp "$UDP_N" -rate "$RATE")"
read -r RU_N _ _ _ _ <<<"$(rsys udp "$UDP_N" -rate "$RATE")"
echo "swanwatch: $OU_N/$UDP_N stored, lost $((UDP_N - OU_N))"
echo "rsyslog:   $RU_N/$UDP_N written, lost $((UDP_N - RU_N))"

echo "== summary"
awk -v o="$O_RATE" -v r="$R_RATE" -v n="$N" -v raw="$O_RAW" -v zst="$O_ZST" -v rb="$R_BYTES" -v on="$O_N" -v rn="$R_N" \
    -v oc="$O_CPU" -v rc="$R_CPU" 'BEGIN {
  printf "events/s, wall clock on the shared core: swanwatch %d, rsyslog %d, ratio swanwatch/rsyslog %.2f\n", o, r, o / r
  printf "CPU per event:           swanwatch %.2f us, rsyslog %.2f us → events per CPU-second %d vs %d, ratio %.2f\n",
    oc / on / 1000, rc / rn / 1000, on / (oc / 1e9), rn / (rc / 1e9), (rc / rn) / (oc / on)
  printf "bytes on disk per event: swanwatch %.1f open day, %.1f compressed day; rsyslog %.1f (plain file)\n", raw / on, zst / on, rb / rn
}'
echo "lost at $RATE lines/s over UDP for ${SECS}s: swanwatch $((UDP_N - OU_N)), rsyslog $((UDP_N - RU_N))"
