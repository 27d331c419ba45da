# alerting-lib.sh — shared by alert-latency.sh (and its latency-*.sh parts) and kill-test.sh
# (sourced, not run).
# Everything runs on 127.0.0.1 in $WORK; every process started here is recorded
# in PIDS and stopped by its PID on exit (never by name: other benchmarks and
# tests may run the same binaries on this machine).
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "/tmp/swanwatch-bench.XXXXXX")
PIDS=()
TRAP_COMMUNITY=bench-public
API_AUTH=""

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

stop_all() { # TERM what we started, KILL what is left after 5 s, remove $WORK unless KEEP=1
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break; sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

need_pkgs() { # need_pkgs BINARY=PACKAGE…   apt-get install what is missing, as scripts/install-peers.sh does
  local missing=() bp
  for bp in "$@"; do [ -x "${bp%%=*}" ] || missing+=("${bp#*=}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo="" guard=""; [ "$(id -u)" = 0 ] || sudo=sudo
  if [ ! -e /usr/sbin/policy-rc.d ]; then # keep package scripts from starting system-wide daemons
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d; guard=1
  fi
  local apt="$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends"
  log "installing ${missing[*]}"
  $apt "${missing[@]}" >/dev/null || { $sudo apt-get -o DPkg::Lock::Timeout=300 update >/dev/null && $apt "${missing[@]}" >/dev/null; }
  [ -z "$guard" ] || $sudo rm -f /usr/sbin/policy-rc.d
}

USED_PORTS=" "
free_port() { # free_port tcp|udp   a random port nobody listens on (and not handed out before)
  local f=-Hltn p; [ "$1" = udp ] && f=-Hlun
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    case $USED_PORTS in *" $p "*) continue;; esac
    if ! ss $f "sport = :$p" | grep -q .; then USED_PORTS+="$p "; echo "$p"; return 0; fi
  done
  die "no free $1 port"
}

start_bg() { # start_bg NAME command…   background, log in $WORK/NAME.log; PID in LAST_PID
  "${@:2}" < /dev/null >> "$WORK/$1.log" 2>&1 &
  LAST_PID=$!; PIDS+=("$LAST_PID")
}

forget() { # forget PID   a process that was waited for: never signal its (reusable) PID again
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

wait_http() { # wait_http URL SECONDS [PID]   fails early when PID dies
  local end=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then die "process $3 exited before $1 answered"; fi
    sleep 0.1
  done
  die "$1 did not answer within $2 s"
}

build_bins() { # build_bins [PACKAGE…]   swanwatch, the sink and PACKAGEs (./cmd/swansim) into $WORK/bin
  log "building swanwatch, webhooksink${1:+ and $*}"
  (cd "$ROOT" && go build -o "$WORK/bin/" ./cmd/swanwatch ./bench/webhooksink "$@")
}

start_sink() { # sets SINK (host:port)
  start_bg sink "$WORK/bin/webhooksink" serve -listen 127.0.0.1:0 -log "$WORK/sink.jsonl" -addr-file "$WORK/sink.addr"
  for _ in $(seq 100); do [ -s "$WORK/sink.addr" ] && break; sleep 0.05; done
  SINK=$(cat "$WORK/sink.addr") || die "sink did not start: $(cat "$WORK/sink.log")"
  log "webhook sink on $SINK"
}

# sw_common PORT DATA_DIR GROUP_BY   the parts every benchmark's SwanWatch shares:
# loopback listener, data directory, rules, and the alerting section of the
# brief: one webhook receiver (the sink's /hook), grouped by GROUP_BY (e.g.
# "alertname, instance"), no group wait. RULES_EVAL (e.g. 15s) overrides the
# rules' evaluation interval; unset, SwanWatch's default applies.
sw_common() {
  [ -z "${RULES_EVAL:-}" ] || echo "rules: {evaluation_interval: $RULES_EVAL}"
  cat <<YAML
server: {listen: "127.0.0.1:$1"}
storage: {path: "$2"}
alerting:
  receivers:
    - name: sink
      webhook: {url: "http://$SINK/hook"}
  route: {receiver: sink, group_by: [$3], group_wait: 0s, group_interval: 1s, repeat_interval: 4h}
YAML
}

# write_sw_config FILE PORT TRAP_PORT DATA_DIR INVENTORY_YAML
# Traps on TRAP_PORT, agents every AGENT_INTERVAL (15s), the devices inline,
# grouped by alertname and instance.
write_sw_config() {
  { sw_common "$2" "$4" "alertname, instance"
    cat <<YAML
traps: {listen: "127.0.0.1:$3", communities: [$TRAP_COMMUNITY]}
collectors:
  agent: {interval: ${AGENT_INTERVAL:-15s}}
inventory:
  targets:
$5
YAML
  } > "$1"
}

# switch_target NAME ADDRESS   the inventory device that traps from ADDRESS are named after
switch_target() {
  echo "    - {name: $1, kind: link, address: \"$2\", district: 灵宝市, level: county, params: {a_device: $1, a_ifname: GE0/0/0, bandwidth_bps: \"1000000000\"}}"
}

add_viewer() { # add_viewer CONFIG   sets API_AUTH for curl -u (the same for every SwanWatch of a run)
  local pw=${API_AUTH#bench:}  # API_AUTH is reset when this file is sourced
  [ -n "${API_AUTH:-}" ] || pw="Swan-$RANDOM$RANDOM-W4tch"
  echo "$pw" | "$WORK/bin/swanwatch" user add --config "$1" --name bench --role viewer --password-stdin >/dev/null
  API_AUTH="bench:$pw"
}

# send_trap PORT linkDown|linkUp IFINDEX [SOURCE]   one SNMPv2c IF-MIB trap from net-snmp's snmptrap,
# from SOURCE (default 127.0.0.1; any 127/8 address works on Linux loopback)
send_trap() {
  local oid=1.3.6.1.6.3.1.1.5.3; [ "$2" = linkUp ] && oid=1.3.6.1.6.3.1.1.5.4
  SNMP_PERSISTENT_DIR="$WORK/snmp" SNMPCONFPATH="$WORK/snmp" /usr/bin/snmptrap -M /dev/null -m "" \
    --clientaddr="${4:-127.0.0.1}" -v2c -c "$TRAP_COMMUNITY" "udp:127.0.0.1:$1" "" "$oid" \
    "1.3.6.1.2.1.2.2.1.1.$3" i "$3" "1.3.6.1.2.1.31.1.1.1.1.$3" s "GE0/0/$3" >> "$WORK/snmptrap.log" 2>&1
}

now_ns() { date +%s%N; }

# query URL AUTH PROMQL   the first value of an instant query, or nothing
query() {
  curl -fsS --max-time 5 ${2:+-u "$2"} --data-urlencode "query=$3" "$1/api/v1/query" 2>/dev/null |
    sed -nE 's/.*"value":\[[^,]*,"([^"]*)".*/\1/p'
}

# dur_s DURATION   seconds of a Go-style duration made of whole s, m or h (15s, 1m, 5m)
dur_s() {
  case $1 in
  *h) echo $(( ${1%h} * 3600 ));; *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";;
  *) die "duration $1: want whole seconds, minutes or hours (15s, 1m)";;
  esac
}
