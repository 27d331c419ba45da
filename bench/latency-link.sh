# latency-link.sh — the poll-link path of alert-latency.sh (sourced, not run): a WAN link cut in the
# simulator, seen by SwanWatch's SNMP poll (traps off) and by the anchor's snmp_exporter scrape.
#
# One swansim with a small WAN (WAN_SCALE, 0.02: ~245 devices, ~200 links; traps off, so the only way
# to notice is polling) and a second SwanWatch that loads the sim's inventory export over HTTP and polls
# every device every SNMP_INTERVAL (15s), route grouped by (alertname, instance, ifname). CUTS links are
# forced down through POST <sim>/control/link/<a~b>/down, one per slot of 60s/CUTS at a random offset,
# so the phase of a cut against the polls and the anchor's scrapes varies. Each is a link of a
# redundancy group (its town keeps the other path, so both ends stay reachable and read down(2)),
# with distinct groups and distinct devices: both ends are measured, on both sides.
# Latency = the moment before the POST → the first firing InterfaceDown for that (device, port).
# shellcheck shell=bash

WAN_SCALE=${WAN_SCALE:-0.02}
SNMP_INTERVAL=${SNMP_INTERVAL:-15s}

# PICK_LINKS (jq, --argjson n): the first n redundant town links whose group, A end and B end are all
# new, as TSV: name, a_device, a_interface, a_address, b_device, b_interface, b_address. Port names
# with a space or comma would not fit the sends file, so they are passed over.
PICK_LINKS='
  ([.targets[] | {key: .name, value: .address}] | from_entries) as $addr
  | [.links[] | select(.level == "town" and .group != "" and .b_interface != ""
      and ((.a_interface + .b_interface) | test("[ ,]") | not))]
  | reduce .[] as $l ({picked: [], seen: {}};
      if (.picked | length) < $n and ([.seen[$l.group, $l.a_device, $l.b_device]] | all(. == null))
      then .picked += [$l] | .seen[$l.group] = 1 | .seen[$l.a_device] = 1 | .seen[$l.b_device] = 1
      else . end)
  | .picked[] | [.name, .a_device, .a_interface, $addr[.a_device], .b_device, .b_interface, $addr[.b_device]]
  | @tsv'

# link_estate   swansim, the links to cut, the SwanWatch that polls them. Sets SIM (base URL), LINKS
# (TSV lines of PICK_LINKS), LINK_SNMP (the anchor's static_configs for the ends), LSWP (SwanWatch port).
link_estate() {
  start_bg swansim "$WORK/bin/swansim" -vms 1 -offline-share -1 -wan-scale "$WAN_SCALE" \
    -listen 127.0.0.1:0 -seed "${SIM_SEED:-1}"
  local pid=$LAST_PID l
  SIM=""
  for _ in $(seq 100); do
    SIM=$(sed -n 's|^inventory: \(http://[^/]*\)/inventory$|\1|p' "$WORK/swansim.log")
    [ -n "$SIM" ] && break
    kill -0 "$pid" 2>/dev/null || die "swansim exited: $(tail -3 "$WORK/swansim.log")"; sleep 0.1
  done
  [ -n "$SIM" ] || die "swansim printed no inventory URL within 10 s"
  curl -fsS --max-time 10 "$SIM/inventory" > "$WORK/inventory.json" || die "GET $SIM/inventory failed"
  mapfile -t LINKS < <(jq -r --argjson n "$CUTS" "$PICK_LINKS" "$WORK/inventory.json")
  [ "${#LINKS[@]}" -eq "$CUTS" ] ||
    die "only ${#LINKS[@]} redundant town links with distinct groups and ends at wan-scale $WAN_SCALE (want $CUTS)"
  LINK_SNMP=""
  for l in "${LINKS[@]}"; do
    IFS=$'\t' read -r _ a _ aaddr b _ baddr <<< "$l"
    LINK_SNMP+="      - {targets: [\"$aaddr\"], labels: {instance: $a}}"$'\n'
    LINK_SNMP+="      - {targets: [\"$baddr\"], labels: {instance: $b}}"$'\n'
  done
  LINK_SNMP=${LINK_SNMP%$'\n'}
  log "poll-link: $(jq '.targets | length' "$WORK/inventory.json") targets; cutting ${LINKS[*]%%$'\t'*}"
  link_swanwatch
}

link_swanwatch() { # the second SwanWatch: inventory from the sim, SNMP every SNMP_INTERVAL, no traps
  LSWP=$(free_port tcp)
  { sw_common "$LSWP" "$WORK/data-link" "alertname, instance, ifname"
    cat <<YAML
collectors:
  snmp: {interval: $SNMP_INTERVAL}
inventory:
  http: [{url: "$SIM/inventory", interval: 5m}]
YAML
  } > "$WORK/swanwatch-link.yaml"
  add_viewer "$WORK/swanwatch-link.yaml"
  start_bg swanwatch-link "$WORK/bin/swanwatch" run --config "$WORK/swanwatch-link.yaml"
  wait_http "http://127.0.0.1:$LSWP/-/ready" 60 "$LAST_PID"
}

# link_ends_query METRIC IFNAME_LABEL   count(…) of the cut ports reading up(1), as PromQL
link_ends_query() {
  local q="" l a ai b bi
  for l in "${LINKS[@]}"; do
    IFS=$'\t' read -r _ a ai _ b bi _ <<< "$l"
    q+=" or $1{instance=\"$a\",$2=\"$ai\"} == 1 or $1{instance=\"$b\",$2=\"$bi\"} == 1"
  done
  echo "count(${q# or })"
}

link_wait_up() { # both sides have polled every port to be cut and read it up
  local want=$(( 2 * CUTS )) sw pr end=$(( $(date +%s) + 150 ))
  sw=$(link_ends_query snmp_if_oper_status ifname); pr=$(link_ends_query ifOperStatus ifName)
  log "poll-link: waiting until SwanWatch and Prometheus both read the $want ports up"
  until [ "$(query "http://127.0.0.1:$LSWP" "$API_AUTH" "$sw")" = "$want" ] &&
        [ "$(query "http://127.0.0.1:$PRP" "" "$pr")" = "$want" ]; do
    [ "$(date +%s)" -lt "$end" ] || die "the ports to cut were not all read up on both sides after 150 s"
    sleep 1
  done
}

link_cuts() { # cut every link of LINKS, one per slot of 60s/CUTS; a send per reachable end and side
  local slot=$(( 60000 / CUTS )) l name a ai b bi t cut dev port
  for l in "${LINKS[@]}"; do
    IFS=$'\t' read -r name a ai _ b bi _ <<< "$l"
    sleep "$(awk -v s="$slot" -v r="$RANDOM" 'BEGIN{printf "%.3f", s*(0.25+0.5*r/32768)/1000}')"
    t=$(now_ns)
    curl -fsS --max-time 5 -o /dev/null -X POST "$SIM/control/link/$name/down" || die "could not cut $name"
    cut=" $(curl -fsS --max-time 5 "$SIM/control" | jq -r '.cut_off // [] | join(" ")') "
    for dev in "$a $ai" "$b $bi"; do
      read -r dev port <<< "$dev"
      case $cut in *" $dev "*) log "$dev is cut off by $name: its port cannot be polled, not measured"; continue;; esac
      echo "poll-link-swanwatch $t __path__=/hook,alertname=InterfaceDown,instance=$dev,ifname=$port" >> "$WORK/sends.txt"
      echo "poll-link-anchor $t __path__=/am,alertname=InterfaceDown,instance=$dev,ifName=$port" >> "$WORK/sends.txt"
    done
    log "cut $name ($a $ai ↔ $b $bi)"
    sleep "$(awk -v s="$slot" -v r="$RANDOM" 'BEGIN{printf "%.3f", s*(0.25+0.5*r/32768)/1000}')"
  done
}
