#!/usr/bin/env bash
# snmp-compare.sh — one device round, side by side, against the same agent:
#   SwanWatch's SNMP collector (BenchmarkRound of collectors/snmp),
#   prometheus-snmp-exporter 0.21 (apt) with a module walking the same IF-MIB columns,
#   bare snmpbulkwalk (net-snmp 5.9) of the same columns, one process per column (the floor).
# The agent is net-snmp snmpd in a private network namespace serving N ifb interfaces
# (this kernel has no dummy devices; see shared/peers/README.md §13), all on 127.0.0.1 there.
#
#   bench/snmp-compare.sh [INTERFACES=1000] [ROUNDS=10]        (root: it creates a netns)
#
# Reports wall time per device round and client CPU seconds per 1,000 OIDs for each, and the
# ratios. The agent's own CPU is the same for all three and is not counted.
set -euo pipefail
N=${1:-1000}; R=${2:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NS=swbench-snmp-$$
WORK=$(mktemp -d)
PORT=16161; EXP_PORT=19116
cleanup() { # stop what runs in our namespace (only what this script started), by PID
  local p
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do [ -z "$(ip netns pids "$NS" 2>/dev/null)" ] && break; sleep 0.1; done
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "snmp-compare.sh: needs root (network namespace)" >&2; exit 1; }
for b in /usr/sbin/snmpd /usr/bin/snmpbulkwalk /usr/bin/prometheus-snmp-exporter /usr/bin/curl go; do
  command -v "$b" >/dev/null || { echo "snmp-compare.sh: $b missing (apt-get install snmpd snmp prometheus-snmp-exporter curl)" >&2; exit 1; }
done
inns() { ip netns exec "$NS" "$@"; }
daemon() { # daemon PIDFILE LOG command...   (in the namespace, the real PID in PIDFILE)
  local pidfile=$1 log=$2; shift 2
  inns sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" < /dev/null > "$log" 2>&1 &
  for _ in $(seq 50); do [ -s "$pidfile" ] && break; sleep 0.1; done
}
export SNMP_PERSISTENT_DIR=$WORK/persist MIBS= MIBDIRS=/dev/null

echo "== setup: netns $NS with $N ifb interfaces"
ip netns add "$NS"
ip -n "$NS" link set lo up
for i in $(seq 1 "$N"); do echo "link add ifb$i type ifb"; echo "link set ifb$i up"; done > "$WORK/links"
ip -n "$NS" -batch "$WORK/links"
cat > "$WORK/snmpd.conf" <<CONF
agentAddress udp:127.0.0.1:$PORT
rocommunity public 127.0.0.1
sysName bench-agent
dontLogTCPWrappersConnects yes
CONF
daemon "$WORK/snmpd.pid" "$WORK/snmpd.out" /usr/sbin/snmpd -f -C -c "$WORK/snmpd.conf" -M /dev/null -m "" -I -smux -Lf "$WORK/snmpd.log"
for _ in $(seq 100); do
  inns snmpget -v2c -c public -t 0.3 -r 0 -M /dev/null -m "" 127.0.0.1:$PORT .1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 && break
  sleep 0.1
done

# The columns our collector walks in steady state on an agent with 64-bit counters (the
# 32-bit octet/packet columns are skipped once ifHC* are seen on every interface).
IFT=1.3.6.1.2.1.2.2.1; IFX=1.3.6.1.2.1.31.1.1.1
COLS=($IFT.5 $IFT.7 $IFT.8 $IFT.13 $IFT.14 $IFT.19 $IFT.20 $IFX.1 $IFX.6 $IFX.7 $IFX.8 $IFX.9
      $IFX.10 $IFX.11 $IFX.12 $IFX.13 $IFX.15 $IFX.18)

echo "== swanwatch: go test -bench BenchmarkRound (${R} rounds)"
(cd "$ROOT" && go test -c -o "$WORK/snmp.test" ./collectors/snmp)
inns env SWANWATCH_SNMP_BENCH_TARGET=127.0.0.1:$PORT "$WORK/snmp.test" -test.run '^$' \
  -test.bench '^BenchmarkRound$' -test.benchtime "${R}x" | tee "$WORK/ours.txt" | grep Benchmark
OURS_WALL=$(awk '/^BenchmarkRound/ {for(i=1;i<=NF;i++) if($(i)=="ns/op") print $(i-1)/1e9}' "$WORK/ours.txt")
OURS_CPU=$(awk '/^BenchmarkRound/ {for(i=1;i<=NF;i++) if($(i)=="cpu-s/1000oids") print $(i-1)}' "$WORK/ours.txt")
OURS_OIDS=$(awk '/^BenchmarkRound/ {for(i=1;i<=NF;i++) if($(i)=="oids/round") print $(i-1)}' "$WORK/ours.txt")

echo "== snmpbulkwalk: ${#COLS[@]} columns, one process each, max-repetitions 25 (${R} rounds)"
walk_round() { for c in "${COLS[@]}"; do
  inns snmpbulkwalk -v2c -c public -Cr25 -On -M /dev/null -m "" 127.0.0.1:$PORT "$c"; done; }
walk_round > "$WORK/walk.txt"   # warm-up, and the OID count
WALK_OIDS=$(wc -l < "$WORK/walk.txt")
TIMEFORMAT='%R %U %S'
{ time (for _ in $(seq "$R"); do walk_round > /dev/null; done) ; } 2> "$WORK/walk.time"
read -r W_REAL W_USER W_SYS < "$WORK/walk.time"

echo "== prometheus-snmp-exporter 0.21: module walking the same columns (${R} rounds)"
{
  echo "bench:"
  echo "  walk: [$(IFS=,; echo "${COLS[*]}")]"
  echo "  metrics:"
  for c in "${COLS[@]}"; do
    typ=counter; case $c in $IFX.1|$IFX.18) typ=DisplayString;; $IFT.5|$IFT.7|$IFT.8|$IFX.15) typ=gauge;; esac
    name=col_${c//./_}
    printf '  - name: %s\n    oid: %s\n    type: %s\n    help: %s\n    indexes:\n    - labelname: ifIndex\n      type: gauge\n    lookups:\n    - labels: [ifIndex]\n      labelname: ifName\n      oid: %s\n      type: DisplayString\n' \
      "$name" "$c" "$typ" "$c" "$IFX.1"
  done
  printf '  version: 2\n  max_repetitions: 25\n  retries: 1\n  timeout: 20s\n  auth:\n    community: public\n'
} > "$WORK/snmp.yml"
/usr/bin/prometheus-snmp-exporter --config.file="$WORK/snmp.yml" --dry-run >/dev/null 2>&1 || { echo "snmp.yml rejected" >&2; exit 1; }
daemon "$WORK/exporter.pid" "$WORK/exporter.log" /usr/bin/prometheus-snmp-exporter \
  --config.file="$WORK/snmp.yml" --web.listen-address=127.0.0.1:$EXP_PORT
EXP_PID=$(cat "$WORK/exporter.pid")
URL="http://127.0.0.1:$EXP_PORT/snmp?target=127.0.0.1:$PORT&module=bench"
for _ in $(seq 100); do inns curl -fsS -o /dev/null "http://127.0.0.1:$EXP_PORT/metrics" 2>/dev/null && break; sleep 0.1; done
inns curl -fsS "$URL" > "$WORK/exp.txt"     # warm-up, and the OID count
EXP_OIDS=$(awk '/^snmp_scrape_pdus_returned/ {print $2}' "$WORK/exp.txt")
cpu_ticks() { awk '{print $14 + $15}' "/proc/$EXP_PID/stat"; }
T0=$(cpu_ticks); S0=$(date +%s.%N)
for _ in $(seq "$R"); do inns curl -fsS -o /dev/null "$URL"; done
S1=$(date +%s.%N); T1=$(cpu_ticks)
HZ=$(getconf CLK_TCK)

awk -v n="$N" -v r="$R" \
  -v ow="$OURS_WALL" -v oc="$OURS_CPU" -v oo="$OURS_OIDS" \
  -v wr="$W_REAL" -v wu="$W_USER" -v ws="$W_SYS" -v wo="$WALK_OIDS" \
  -v s0="$S0" -v s1="$S1" -v t0="$T0" -v t1="$T1" -v hz="$HZ" -v eo="$EXP_OIDS" 'BEGIN {
  ww = wr / r; wc = (wu + ws) / r / wo * 1000
  ew = (s1 - s0) / r; ec = (t1 - t0) / hz / r / eo * 1000
  printf "\n%d interfaces, %d rounds each; client CPU only\n", n, r
  printf "%-26s %14s %12s %22s\n", "", "wall/round s", "OIDs/round", "CPU s per 1,000 OIDs"
  printf "%-26s %14.4f %12d %22.6f\n", "swanwatch collectors/snmp", ow, oo, oc
  printf "%-26s %14.4f %12d %22.6f\n", "snmp_exporter 0.21", ew, eo, ec
  printf "%-26s %14.4f %12d %22.6f\n", "snmpbulkwalk (per column)", ww, wo, wc
  printf "\nratios: wall ours/snmpbulkwalk = %.2f (goal <= 1.5); wall ours/snmp_exporter = %.2f\n", ow / ww, ow / ew
  printf "        CPU/1,000 OIDs ours/snmp_exporter = %.3f (goal <= 0.333); ours/snmpbulkwalk = %.3f\n", oc / ec, oc / wc
}'
