# latency-agent.sh — the poll-agent path of alert-latency.sh (sourced, not run): POLL real
# node_exporters, scraped by SwanWatch as agent targets every AGENT_INTERVAL (15s) and by the anchor's
# Prometheus every 1m, are killed; SwanWatch's shipped rule AgentOffline (rules/packs/agent.yml) and the
# anchor's `up == 0` fire after the same `for:`. The kills are spread over one anchor scrape interval so
# that the phase of the fault against the scrape and evaluation ticks is sampled, not fixed.
# Latency = the kill → the first firing AgentOffline for that agent.
# shellcheck shell=bash

# agent_for   sets FOR (e.g. 5m) and FOR_S from the shipped AgentOffline rule
agent_for() {
  FOR=$(awk '/- alert: AgentOffline/{f=1} f && /for:/{print $2; exit}' "$ROOT/rules/packs/agent.yml")
  [ -n "$FOR" ] || die "no for: of AgentOffline in rules/packs/agent.yml"
  FOR_S=$(dur_s "$FOR")
}

# agent_estate   starts the node_exporters (collectors cut to two: only `up` matters); sets EXPORTERS
# (ports), EXP_PIDS, AGENT_INV (inventory lines for SwanWatch) and AGENT_TARGETS (for Prometheus)
agent_estate() {
  EXPORTERS=(); EXP_PIDS=(); AGENT_INV=""
  local i p
  for i in $(seq "$POLL"); do
    p=$(free_port tcp); EXPORTERS+=("$p")
    start_bg "node$i" /usr/bin/prometheus-node-exporter --web.listen-address="127.0.0.1:$p" \
      --collector.disable-defaults --collector.loadavg --collector.time
    EXP_PIDS+=("$LAST_PID")
    AGENT_INV+=$'\n'"    - {name: vm-bench-$i, kind: agent, address: \"http://127.0.0.1:$p/metrics\", district: 灵宝市, level: county}"
  done
  for i in $(seq "$POLL"); do wait_http "http://127.0.0.1:${EXPORTERS[$((i-1))]}/metrics" 10 "${EXP_PIDS[$((i-1))]}"; done
  AGENT_TARGETS=$(printf '"127.0.0.1:%s",' "${EXPORTERS[@]}" | sed 's/,$//')
}

agent_wait_up() { # both sides have scraped every exporter
  log "poll-agent: waiting until SwanWatch and Prometheus both scraped all $POLL exporters"
  local end=$(( $(date +%s) + 150 ))
  until [ "$(query "http://127.0.0.1:$SWP" "$API_AUTH" 'count(up{kind="agent"} == 1)')" = "$POLL" ] &&
        [ "$(query "http://127.0.0.1:$PRP" "" 'count(up{job="agents"} == 1)')" = "$POLL" ]; do
    [ "$(date +%s)" -lt "$end" ] || die "exporters not all up on both sides after 150 s"
    sleep 1
  done
}

agent_kills() { # kill -9 every exporter, one per slot of 60s/POLL at a random offset
  local slot=$(( 60000 / POLL )) i t
  for i in $(seq "$POLL"); do
    sleep "$(awk -v s="$slot" -v r="$RANDOM" 'BEGIN{printf "%.3f", s*(0.25+0.5*r/32768)/1000}')"
    t=$(now_ns); kill -KILL "${EXP_PIDS[$((i-1))]}"; wait "${EXP_PIDS[$((i-1))]}" 2>/dev/null || true
    forget "${EXP_PIDS[$((i-1))]}"
    echo "poll-agent-swanwatch $t __path__=/hook,alertname=AgentOffline,instance=vm-bench-$i" >> "$WORK/sends.txt"
    echo "poll-agent-anchor $t __path__=/am,alertname=AgentOffline,instance=127.0.0.1:${EXPORTERS[$((i-1))]}" >> "$WORK/sends.txt"
    log "killed node_exporter $i (127.0.0.1:${EXPORTERS[$((i-1))]})"
    sleep "$(awk -v s="$slot" -v r="$RANDOM" 'BEGIN{printf "%.3f", s*(0.25+0.5*r/32768)/1000}')"
  done
}
