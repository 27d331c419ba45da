#!/usr/bin/env bash
# agents-3000.sh [SECONDS] [VMS] — the reference estate's 3,000 VM agents scraped
# every 30 s by one swanwatch process: reports its CPU time and peak RSS
# (/usr/bin/time -v) and, from its own API, how many agents answered.
# Everything runs on loopback in a temporary directory.
set -euo pipefail
secs=${1:-300}; vms=${2:-3000}
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/" ./cmd/swanwatch ./cmd/swansim

simport=19400; port=19330
"$work/swansim" -vms "$vms" -listen 127.0.0.1:$simport -seed 1 > "$work/sim.log" 2>&1 &
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$simport/inventory" && break; sleep 0.2; done

cat > "$work/swanwatch.yaml" <<YAML
server: {listen: 127.0.0.1:$port}
storage: {path: $work/data}
collectors:
  agent: {interval: 30s}
inventory:
  http:
    - url: http://127.0.0.1:$simport/inventory
      interval: 5m
YAML
pw=Swan-$(date +%s)-W4tch
echo "$pw" | "$work/swanwatch" user add --config "$work/swanwatch.yaml" --name bench --role viewer --password-stdin >/dev/null
/usr/bin/time -v "$work/swanwatch" run --config "$work/swanwatch.yaml" > "$work/run.log" 2> "$work/time.log" &
tpid=$!
sleep "$secs"
q() { curl -fsS -u "bench:$pw" --data-urlencode "query=$1" "http://127.0.0.1:$port/api/v1/query" | sed -E 's/.*"value":\[[^,]*,"([^"]*)".*/\1/'; }
echo "targets up:        $(q 'sum(up{kind="agent"})') of $(q 'count(up{kind="agent"})')"
echo "series in head:    $(q 'count({__name__=~".+"})')"
echo "mean round (s):    $(q 'avg(collect_duration_seconds{kind="agent"})')"
pkill -TERM -f "^$work/swanwatch run" || true
wait $tpid || true
grep -E "User time|System time|Maximum resident|Elapsed" "$work/time.log"
awk -v s="$secs" '/User time/{u=$4}/System time/{k=$4}END{printf "CPU share of one core over the run: %.1f%%\n", 100*(u+k)/s}' "$work/time.log"
