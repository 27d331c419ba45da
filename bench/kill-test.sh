#!/usr/bin/env bash
# kill-test.sh [KILLS=20] [RATE=5] — nothing lost, nothing repeated more than once, across kill -9.
#
# A generator sends SNMPv2c linkDown traps with increasing ifIndex, RATE per second, and a linkUp
# ~2 s later for every third interface, so incidents open and resolve all the time. Meanwhile
# swanwatch is killed with SIGKILL KILLS times, at random moments 1–6 s apart, and restarted at once
# with the same config and data directory. Then the generator stops, swanwatch runs until the sink
# has been quiet for QUIET seconds (15), and the incident store (GET /api/v1/incidents) is compared
# with what the webhook sink received:
#   lost       an incident with no firing notification, or a resolved one with no resolved
#              notification — must be 0
#   repeated   an (alert, state) announced in more than 2 POSTs — must be 0 (a SwanWatch notice
#              carries only its news, so each alert's new state appears once unless repeated)
# Also shown: incidents whose linkUp was sent but that are still open (a resolution that did not
# happen: the trap was lost on the wire, or the process forgot the alert across a restart).
# Raw POSTs and distinct Idempotency-Keys are both counted: the outbox dedupes by notification id,
# so a receiver that honours the key sees even fewer repeats than the raw POSTs show.
# Traps sent while swanwatch is down are lost on the wire (UDP) and never become incidents: they
# are counted apart and are not notification losses.
# Exit status 0 only when nothing was lost or repeated. About 2–3 minutes with the defaults.
set -euo pipefail
KILLS=${1:-20}; RATE=${2:-5}; QUIET=${QUIET:-15}
source "$(dirname "$0")/alerting-lib.sh"

need_pkgs /usr/bin/snmptrap=snmp
command -v curl >/dev/null || need_pkgs /usr/bin/curl=curl
build_bins
start_sink
SWP=$(free_port tcp); TRP=$(free_port udp)
write_sw_config "$WORK/swanwatch.yaml" "$SWP" "$TRP" "$WORK/data" "$(switch_target bench-switch 127.0.0.1)"
add_viewer "$WORK/swanwatch.yaml"

SW_PID=""
start_swanwatch() { # a fresh process on the same config and data; the log keeps every run
  echo "=== $(date -Is) start" >> "$WORK/swanwatch.log"
  start_bg swanwatch "$WORK/bin/swanwatch" run --config "$WORK/swanwatch.yaml"; SW_PID=$LAST_PID
}
sink_posts() { curl -fsS "http://$SINK/stats" | sed -nE 's/.*"posts":([0-9]+).*/\1/p'; }

start_swanwatch
wait_http "http://127.0.0.1:$SWP/-/ready" 60 "$SW_PID"
for _ in $(seq 100); do
  curl -fsS -u "$API_AUTH" "http://127.0.0.1:$SWP/api/v1/targets" 2>/dev/null | grep -q bench-switch && break; sleep 0.1
done

# generator: linkDown for ifIndex i; linkUp for i-10 when i-10 is a multiple of 3 (~2 s later at 5/s)
generate() {
  local i=0 gap; gap=$(awk -v r="$RATE" 'BEGIN{printf "%.3f", 1/r}')
  while :; do
    i=$((i + 1))
    send_trap "$TRP" linkDown "$i"; echo "$(now_ns) linkDown $i" >> "$WORK/traps.txt"
    if [ $((i - 10)) -gt 0 ] && [ $(((i - 10) % 3)) = 0 ]; then
      send_trap "$TRP" linkUp $((i - 10)); echo "$(now_ns) linkUp $((i - 10))" >> "$WORK/traps.txt"
    fi
    sleep "$gap"
  done
}
generate & GEN_PID=$!; PIDS+=("$GEN_PID")
log "generating $RATE linkDown/s (+ linkUp for every third); $KILLS kill -9 at random 1–6 s intervals"

for k in $(seq "$KILLS"); do
  sleep "$(awk -v r="$RANDOM" 'BEGIN{printf "%.3f", 1 + 5*r/32768}')"
  kill -KILL "$SW_PID"; wait "$SW_PID" 2>/dev/null || true; forget "$SW_PID"
  echo "$(now_ns) kill $k" >> "$WORK/kills.txt"
  start_swanwatch
done
log "last restart done; stopping the generator"
kill "$GEN_PID"; wait "$GEN_PID" 2>/dev/null || true; forget "$GEN_PID"
wait_http "http://127.0.0.1:$SWP/-/ready" 60 "$SW_PID"

log "waiting until the sink has been quiet for $QUIET s (at most 180 s)"
last=-1; still=0; end=$(( $(date +%s) + 180 ))
while [ $still -lt "$QUIET" ] && [ "$(date +%s)" -lt "$end" ]; do
  n=$(sink_posts); if [ "$n" = "$last" ]; then still=$((still + 1)); else still=0; last=$n; fi
  sleep 1
done
kill -0 "$SW_PID" 2>/dev/null || die "swanwatch exited on its own: $(tail -5 "$WORK/swanwatch.log")"
curl -fsS -u "$API_AUTH" "http://127.0.0.1:$SWP/api/v1/incidents?alertname=InterfaceDown&limit=10000" > "$WORK/incidents.json" ||
  die "could not read the incidents"

rc=0
"$WORK/bin/webhooksink" report -log "$WORK/sink.jsonl" -incidents "$WORK/incidents.json" -max-dup 1 > "$WORK/report.json" || rc=$?
[ $rc -le 1 ] || die "report failed: $(cat "$WORK/report.json")"
downs=$(grep -c ' linkDown ' "$WORK/traps.txt"); ups=$(grep -c ' linkUp ' "$WORK/traps.txt")
flat=$(tr -d '\n' < "$WORK/report.json" | sed -E 's/ +/ /g; s/": /":/g; s/([[{,]) /\1/g; s/ ([]}])/\1/g')
num() { sed -nE "s/.*\"$1\":\{[^}]*\"$2\":([0-9]+).*/\1/p" <<< "$flat"; }   # num BLOCK FIELD
top() { sed -nE "s/^\{\"$1\":([0-9]+).*|.*,\"$1\":([0-9]+).*/\1\2/p" <<< "$flat" | head -1; }
arr() { sed -nE "s/.*\"$1\":(\[[^]]*\]).*/\1/p" <<< "$flat"; }
# incidents as "IFINDEX open|resolved", one per line
tr -d '\n' < "$WORK/incidents.json" | sed 's/{"id":/\n&/g' |
  sed -nE 's/.*"ifname":"GE0\/0\/([0-9]+)".*/\1 &/p' |
  awk '{print $1, (index($0, "\"resolved_at\"") ? "resolved" : "open")}' > "$WORK/incident-states.txt"
unresolved=$(awk 'NR==FNR { if ($2 == "linkUp") up[$3] = 1; next } $2 == "open" && up[$1] { print $1 }' \
  "$WORK/traps.txt" "$WORK/incident-states.txt" | sort -n | xargs)
echo
echo "== kill test: $KILLS × kill -9, $RATE linkDown traps/s"
echo "traps sent:          $downs linkDown, $ups linkUp (sent while swanwatch was down: lost on the wire, no incident)"
echo "incidents (store):   $(wc -l < "$WORK/incident-states.txt"), resolved $(num incidents resolved)"
echo "  linkUp sent but incident still open: $(wc -w <<< "$unresolved")${unresolved:+ (ifIndex $unresolved)}"
echo "webhook POSTs:       $(top posts) (distinct Idempotency-Keys $(top distinct_keys), bad bodies $(top bad_posts))"
echo "per (alert, state):  $(num alert_states distinct) announced; max $(num alert_states max_posts) POSTs / $(num alert_states max_keys) keys;" \
  "repeated $(num alert_states with_repeat_posts) by POST, $(num alert_states with_repeat_keys) by key; in > 2 POSTs: $(num alert_states over_limit_posts)"
echo "lost:                firing $(arr lost_firing), resolved $(arr lost_resolved)"
echo "problems:            $(arr problems)"
if [ $rc = 0 ]; then echo "PASS: 0 lost, no (alert, state) announced more than twice"; else echo "FAIL (KEEP=1 keeps $WORK)"; fi
exit $rc
