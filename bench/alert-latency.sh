#!/usr/bin/env bash
# alert-latency.sh [TRAPS=50] [POLL_FAULTS=3] — fault → webhook latency, side by side in one run:
#
#  trap-*          SwanWatch only: TRAPS SNMPv2c linkDown traps (net-snmp snmptrap), one per ifIndex,
#                  ~TRAP_SPACING_MS (200) apart; latency = webhook arrival − the moment before snmptrap ran
#                  (so it includes snmptrap's own start-up, a few ms). Goal p99 < 0.5 s. Twice:
#    trap-same-switch  all from one switch (127.0.0.1): with the route's group_by [alertname, instance]
#                      they are one group, so after the first notice each waits for group_interval (1s)
#    trap-own-switch   each from its own switch (127.0.1.i, one inventory device each): one group per
#                      alert, nothing waits — the path from trap to webhook itself
#  poll-swanwatch  POLL_FAULTS real node_exporters, scraped by SwanWatch as agent targets every
#                  AGENT_INTERVAL (15s), are killed; the shipped rule AgentOffline (rules/packs/agent.yml)
#                  fires after its `for:`; rules are evaluated at SwanWatch's default interval
#                  (30s) unless RULES_EVAL is set.
#  poll-anchor     the same exporters scraped by Prometheus 2.42 with its defaults (scrape and evaluation
#                  every 1m) and the rule `up == 0` with the same `for:`, through Alertmanager 0.25 with its
#                  default timings (group_wait 30s, group_interval 5m, repeat_interval 4h) grouped like
#                  SwanWatch's route (alertname, instance), to the same webhook sink.
#
# The kills are spread over one anchor scrape interval so that the phase of the fault against the
# scrape and evaluation ticks is sampled, not fixed. Latency = webhook arrival − kill. The table
# also shows p50 minus the rule's `for:` (what detection and delivery add on top of the rule).
# Default run: about 9 minutes, dominated by `for: 5m` plus the anchor's 1m intervals.
# Everything listens on 127.0.0.1 on free ports; KEEP=1 keeps the work directory (logs, sink.jsonl).
set -euo pipefail
TRAPS=${1:-50}; POLL=${2:-3}
SPACING_MS=${TRAP_SPACING_MS:-200}
source "$(dirname "$0")/alerting-lib.sh"

need_pkgs /usr/bin/snmptrap=snmp /usr/bin/prometheus=prometheus \
  /usr/bin/prometheus-alertmanager=prometheus-alertmanager /usr/bin/prometheus-node-exporter=prometheus-node-exporter
command -v curl >/dev/null || need_pkgs /usr/bin/curl=curl
FOR=$(awk '/- alert: AgentOffline/{f=1} f && /for:/{print $2; exit}' "$ROOT/rules/packs/agent.yml")
[ -n "$FOR" ] || die "no for: of AgentOffline in rules/packs/agent.yml"
FOR_S=$(( ${FOR%m} * 60 )); case $FOR in *m) ;; *) die "for: $FOR is not in minutes";; esac
build_bins
start_sink

# ---- the estate: node_exporters (collectors cut to two, since only `up` matters here)
EXPORTERS=(); EXP_PIDS=(); INV=$(switch_target bench-switch 127.0.0.1)
for i in $(seq "$TRAPS"); do INV+=$'\n'$(switch_target "bench-sw-$i" "127.0.1.$i"); done
for i in $(seq "$POLL"); do
  p=$(free_port tcp); EXPORTERS+=("$p")
  start_bg "node$i" /usr/bin/prometheus-node-exporter --web.listen-address="127.0.0.1:$p" \
    --collector.disable-defaults --collector.loadavg --collector.time
  EXP_PIDS+=("$LAST_PID")
  INV+=$'\n'"    - {name: vm-bench-$i, kind: agent, address: \"http://127.0.0.1:$p/metrics\", district: 灵宝市, level: county}"
done
for i in $(seq "$POLL"); do wait_http "http://127.0.0.1:${EXPORTERS[$((i-1))]}/metrics" 10 "${EXP_PIDS[$((i-1))]}"; done

# ---- SwanWatch
SWP=$(free_port tcp); TRP=$(free_port udp)
write_sw_config "$WORK/swanwatch.yaml" "$SWP" "$TRP" "$WORK/data" "$INV"
add_viewer "$WORK/swanwatch.yaml"
start_bg swanwatch "$WORK/bin/swanwatch" run --config "$WORK/swanwatch.yaml"; SW_PID=$LAST_PID
wait_http "http://127.0.0.1:$SWP/-/ready" 60 "$SW_PID"

# ---- the anchor: Prometheus with its defaults, Alertmanager with its default timings
PRP=$(free_port tcp); AMP=$(free_port tcp)
cat > "$WORK/alertmanager.yml" <<YAML
route:
  receiver: sink
  group_by: [alertname, instance]
receivers:
  - name: sink
    webhook_configs: [{url: "http://$SINK/am"}]
YAML
start_bg alertmanager /usr/bin/prometheus-alertmanager --config.file="$WORK/alertmanager.yml" \
  --storage.path="$WORK/am" --web.listen-address="127.0.0.1:$AMP" --cluster.listen-address=
wait_http "http://127.0.0.1:$AMP/-/ready" 30 "$LAST_PID"
cat > "$WORK/rules.yml" <<YAML
groups:
  - name: anchor
    rules:
      - alert: AgentOffline
        expr: up{job="agents"} == 0
        for: $FOR
YAML
cat > "$WORK/prometheus.yml" <<YAML
# global: scrape_interval and evaluation_interval at their defaults (1m)
rule_files: ["$WORK/rules.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:$AMP"]}]}]
scrape_configs:
  - job_name: agents
    static_configs: [{targets: [$(printf '"127.0.0.1:%s",' "${EXPORTERS[@]}" | sed 's/,$//')]}]
YAML
start_bg prometheus /usr/bin/prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prom" \
  --web.listen-address="127.0.0.1:$PRP" --storage.tsdb.retention.time=1d
wait_http "http://127.0.0.1:$PRP/-/ready" 60 "$LAST_PID"

# query URL AUTH PROMQL   the first value of an instant query, or nothing
query() {
  curl -fsS ${2:+-u "$2"} --data-urlencode "query=$3" "$1/api/v1/query" 2>/dev/null |
    sed -nE 's/.*"value":\[[^,]*,"([^"]*)".*/\1/p'
}

# ---- 1. trap path (while Prometheus makes its first scrapes)
log "inventory: waiting for bench-switch"
for _ in $(seq 100); do
  curl -fsS -u "$API_AUTH" "http://127.0.0.1:$SWP/api/v1/targets" 2>/dev/null | grep -q bench-switch && break; sleep 0.1
done
traps() { # traps PATH same|own   TRAPS linkDown traps, SPACING_MS apart, from one or from TRAPS switches
  log "$1: $TRAPS linkDown traps, ${SPACING_MS} ms apart"
  local i src dev
  for i in $(seq "$TRAPS"); do
    if [ "$2" = same ]; then src=127.0.0.1 dev=bench-switch; else src=127.0.1.$i dev=bench-sw-$i; fi
    echo "$1 $(now_ns) __path__=/hook,alertname=InterfaceDown,instance=$dev,ifname=GE0/0/$i" >> "$WORK/sends.txt"
    send_trap "$TRP" linkDown "$i" "$src"
    sleep "$(awk -v m="$SPACING_MS" 'BEGIN{printf "%.3f", m/1000}')"
  done
}
[ "$TRAPS" -le 254 ] || die "at most 254 traps (one 127.0.1.x source each)"
traps trap-same-switch same
traps trap-own-switch own

# ---- 2. poll path: all exporters up on both sides first
log "poll path: waiting until SwanWatch and Prometheus both scraped all $POLL exporters"
end=$(( $(date +%s) + 150 ))
until [ "$(query "http://127.0.0.1:$SWP" "$API_AUTH" 'count(up{kind="agent"} == 1)')" = "$POLL" ] &&
      [ "$(query "http://127.0.0.1:$PRP" "" 'count(up{job="agents"} == 1)')" = "$POLL" ]; do
  [ "$(date +%s)" -lt "$end" ] || die "exporters not all up on both sides after 150 s"
  sleep 1
done
SLOT_MS=$(( 60000 / POLL ))
for i in $(seq "$POLL"); do
  sleep "$(awk -v s="$SLOT_MS" -v r="$RANDOM" 'BEGIN{printf "%.3f", s*(0.25+0.5*r/32768)/1000}')"
  t=$(now_ns); kill -KILL "${EXP_PIDS[$((i-1))]}"; wait "${EXP_PIDS[$((i-1))]}" 2>/dev/null || true
  forget "${EXP_PIDS[$((i-1))]}"
  echo "poll-swanwatch $t __path__=/hook,alertname=AgentOffline,instance=vm-bench-$i" >> "$WORK/sends.txt"
  echo "poll-anchor $t __path__=/am,alertname=AgentOffline,instance=127.0.0.1:${EXPORTERS[$((i-1))]}" >> "$WORK/sends.txt"
  log "killed node_exporter $i (127.0.0.1:${EXPORTERS[$((i-1))]})"
  sleep "$(awk -v s="$SLOT_MS" -v r="$RANDOM" 'BEGIN{printf "%.3f", s*(0.25+0.5*r/32768)/1000}')"
done

# ---- wait for every announcement, at most for: + 3 anchor intervals + margin
report() { "$WORK/bin/webhooksink" report -log "$WORK/sink.jsonl" -sends "$WORK/sends.txt" -max-dup -1 -format table; }
end=$(( $(date +%s) + FOR_S + 240 ))
log "waiting (up to $(( FOR_S + 240 )) s) for every fault to be announced"
until report > "$WORK/table.txt" 2>/dev/null; do
  [ "$(date +%s)" -lt "$end" ] || { log "deadline passed; some faults were never announced"; break; }
  sleep 5
done

echo
echo "== fault → webhook latency, seconds (for: $FOR = ${FOR_S} s; agent interval ${AGENT_INTERVAL:-15s}; rules every ${RULES_EVAL:-30s (default)})"
awk -v f="$FOR_S" 'NR==1 {printf "%-16s %4s %8s %10s %10s %10s %10s %14s\n", "path", "n", "missing", "p50", "p90", "p99", "max", "p50 - for:"; next}
  { pf = ($1 ~ /^poll/) ? sprintf("%.3f", $5 - f) : "-"
    printf "%-16s %4d %8d %10.3f %10.3f %10.3f %10.3f %14s\n", $1, $2, $3, $5, $6, $7, $8, pf
    p50[$1] = $5 }
  END { if (p50["poll-swanwatch"] > 0) printf "\nratio anchor/SwanWatch, poll path p50: %.2fx total, %.1fx beyond for:\n",
          p50["poll-anchor"] / p50["poll-swanwatch"], (p50["poll-anchor"] - f) / (p50["poll-swanwatch"] - f) }' "$WORK/table.txt"
echo
report > /dev/null || die "not every fault was announced (see above; KEEP=1 keeps $WORK)"
