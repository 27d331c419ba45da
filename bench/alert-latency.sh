#!/usr/bin/env bash
# alert-latency.sh [TRAPS=50] [POLL_FAULTS=3] [LINK_CUTS=3] — fault → webhook latency, side by side in
# one run. PATHS (default trap,poll-agent,poll-link) runs only some of the paths, e.g. PATHS=poll-link;
# LINK_CUTS=N is the same as the third argument.
#
#  trap        SwanWatch only: TRAPS SNMPv2c linkDown traps (net-snmp snmptrap), one per ifIndex,
#              ~TRAP_SPACING_MS (200) apart; latency = webhook arrival − the moment before snmptrap ran
#              (so it includes snmptrap's own start-up, a few ms). Goal p99 < 0.5 s. Twice:
#    trap-same-switch  all from one switch (127.0.0.1): with the route's group_by [alertname, instance]
#                      they are one group, so after the first notice each waits for group_interval (1s)
#    trap-own-switch   each from its own switch (127.0.1.i, one inventory device each): one group per
#                      alert, nothing waits — the path from trap to webhook itself
#  poll-agent  killed node_exporters (latency-agent.sh): SwanWatch's AgentOffline after its `for:` (5m),
#              rules every RULES_EVAL (SwanWatch's default 30s), agents every AGENT_INTERVAL (15s),
#              side by side with the anchor (latency-anchor.sh). Rows poll-agent-swanwatch, -anchor.
#  poll-link   WAN links cut in swansim with traps off (latency-link.sh): SwanWatch's SNMP poll every
#              SNMP_INTERVAL (15s) sees the port go down and the event rule InterfaceDown fires at once;
#              goal ≤ one poll interval + 2 s. The anchor scrapes the same devices through snmp_exporter
#              and fires `ifOperStatus == 2` (for: 0). Rows poll-link-swanwatch, poll-link-anchor.
#
# The anchor is Prometheus 2.42 (scrape and evaluation every 1m) → Alertmanager 0.25 (group_wait 30s),
# all at their defaults, to the same webhook sink. The link cuts follow the kills, so they add nothing
# to the default run (about 8 minutes, the `for: 5m` of the agent path plus the anchor's 1m ticks);
# PATHS=poll-link alone takes about 4. Everything listens on 127.0.0.1 on free ports; KEEP=1 keeps the
# work directory (logs, sink.jsonl, sends.txt).
set -euo pipefail
TRAPS=${1:-50}; POLL=${2:-3}; CUTS=${3:-${LINK_CUTS:-3}}
SPACING_MS=${TRAP_SPACING_MS:-200}
PATHS=${PATHS:-trap,poll-agent,poll-link}
HERE=$(dirname "$0")
source "$HERE/alerting-lib.sh"
source "$HERE/latency-anchor.sh"
source "$HERE/latency-agent.sh"
source "$HERE/latency-link.sh"

on() { case ",$PATHS," in *",$1,"*) return 0;; esac; return 1; }
for p in ${PATHS//,/ }; do
  case $p in trap|poll-agent|poll-link) ;; *) die "PATHS: unknown path $p (trap, poll-agent, poll-link)";; esac
done
[ "$TRAPS" -ge 1 ] && [ "$TRAPS" -le 254 ] || die "1 to 254 traps (one 127.0.1.x source each)"
[ "$POLL" -ge 1 ] && [ "$CUTS" -ge 1 ] || die "at least one poll fault and one link cut"

# ---- packages and binaries for the paths asked for
pkgs=(/usr/bin/curl=curl)
on trap && pkgs+=(/usr/bin/snmptrap=snmp)
if on poll-agent || on poll-link; then
  pkgs+=(/usr/bin/prometheus=prometheus /usr/bin/prometheus-alertmanager=prometheus-alertmanager)
fi
on poll-agent && pkgs+=(/usr/bin/prometheus-node-exporter=prometheus-node-exporter)
on poll-link && pkgs+=(/usr/bin/prometheus-snmp-exporter=prometheus-snmp-exporter /usr/bin/jq=jq)
need_pkgs "${pkgs[@]}"
on poll-agent && agent_for
if on poll-link; then build_bins ./cmd/swansim; else build_bins; fi
start_sink

# ---- the estates and their SwanWatch instances
if on trap || on poll-agent; then
  INV=$(switch_target bench-switch 127.0.0.1)
  if on trap; then for i in $(seq "$TRAPS"); do INV+=$'\n'$(switch_target "bench-sw-$i" "127.0.1.$i"); done; fi
  AGENT_TARGETS=""
  if on poll-agent; then agent_estate; INV+=$AGENT_INV; fi
  SWP=$(free_port tcp); TRP=$(free_port udp)
  write_sw_config "$WORK/swanwatch.yaml" "$SWP" "$TRP" "$WORK/data" "$INV"
  add_viewer "$WORK/swanwatch.yaml"
  start_bg swanwatch "$WORK/bin/swanwatch" run --config "$WORK/swanwatch.yaml"
  wait_http "http://127.0.0.1:$SWP/-/ready" 60 "$LAST_PID"
fi
LINK_SNMP=""
if on poll-link; then link_estate; anchor_snmp_exporter; fi
if on poll-agent || on poll-link; then start_anchor "${AGENT_TARGETS:-}" "$LINK_SNMP"; fi

# ---- trap path (while Prometheus makes its first scrapes)
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
if on trap; then
  log "inventory: waiting for bench-switch"
  for _ in $(seq 100); do
    curl -fsS -u "$API_AUTH" "http://127.0.0.1:$SWP/api/v1/targets" 2>/dev/null | grep -q bench-switch && break; sleep 0.1
  done
  traps trap-same-switch same
  traps trap-own-switch own
fi

# ---- poll paths: every fault is announced by at most its deadline (the anchor's worst case + margin)
END=$(( $(date +%s) + 60 ))
if on poll-agent; then agent_wait_up; agent_kills; END=$(( $(date +%s) + FOR_S + 240 )); fi
if on poll-link; then
  link_wait_up; link_cuts
  if (( $(date +%s) + 240 > END )); then END=$(( $(date +%s) + 240 )); fi
fi
report() { "$WORK/bin/webhooksink" report -log "$WORK/sink.jsonl" -sends "$WORK/sends.txt" -max-dup -1 -format table; }
log "waiting (up to $(( END - $(date +%s) )) s) for every fault to be announced"
until report > "$WORK/table.txt" 2>/dev/null; do
  [ "$(date +%s)" -lt "$END" ] || { log "deadline passed; some faults were never announced"; report > "$WORK/table.txt" || true; break; }
  sleep 5
done
source "$HERE/latency-table.sh"
print_table "$WORK/table.txt"
report > /dev/null || die "not every fault was announced (see above; KEEP=1 keeps $WORK)"
