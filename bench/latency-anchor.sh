# latency-anchor.sh — the anchor of alert-latency.sh (sourced, not run): Prometheus 2.42 with its
# defaults (scrape and evaluation every 1m) → Alertmanager 0.25 with its default timings
# (group_wait 30s, group_interval 5m, repeat_interval 4h) → the sink's /am. One Prometheus and one
# Alertmanager serve both poll paths; each path adds its scrape job and rule:
#   poll-agent  job "agents": the node_exporters themselves; AgentOffline = up == 0 for: the pack's for:
#   poll-link   job "snmp": prometheus-snmp-exporter 0.21 walking IF-MIB of the few simulated devices
#               at the ends of the links that will be cut (one scrape per device, target= its own
#               loopback address); InterfaceDown = ifOperStatus == 2 with for: 0, the nearest thing to
#               SwanWatch's event rule (Prometheus has no rule that fires on a change).
# Alertmanager groups like SwanWatch's routes: (alertname, instance), and InterfaceDown by
# (alertname, instance, ifName).
# shellcheck shell=bash

# anchor_snmp_exporter   starts prometheus-snmp-exporter with an if_mib module; sets SNMPX (host:port)
anchor_snmp_exporter() {
  local m
  { echo "# generator-output shape of snmp_exporter 0.21, written by hand (Debian ships neither IF-MIB"
    echo "# text nor an if_mib module); walks ifTable and ifXTable like the generator's if_mib"
    echo "if_mib:"
    echo "  walk: [1.3.6.1.2.1.2.2.1, 1.3.6.1.2.1.31.1.1.1]"
    echo "  metrics:"
    for m in ifAdminStatus:1.3.6.1.2.1.2.2.1.7:gauge ifOperStatus:1.3.6.1.2.1.2.2.1.8:gauge \
             ifHCInOctets:1.3.6.1.2.1.31.1.1.1.6:counter ifHCOutOctets:1.3.6.1.2.1.31.1.1.1.10:counter; do
      IFS=: read -r name oid type <<< "$m"
      cat <<M
  - name: $name
    oid: $oid
    type: $type
    help: $name - $oid
    indexes: [{labelname: ifIndex, type: gauge}]
    lookups: [{labels: [ifIndex], labelname: ifName, oid: 1.3.6.1.2.1.31.1.1.1.1, type: DisplayString}]
M
    done
    printf '  version: 2\n  max_repetitions: 25\n  retries: 1\n  timeout: 5s\n  auth: {community: public}\n'
  } > "$WORK/snmp.yml"
  /usr/bin/prometheus-snmp-exporter --config.file="$WORK/snmp.yml" --dry-run >> "$WORK/snmp_exporter.log" 2>&1 ||
    die "snmp.yml rejected: $(tail -3 "$WORK/snmp_exporter.log")"
  SNMPX=127.0.0.1:$(free_port tcp)
  start_bg snmp_exporter /usr/bin/prometheus-snmp-exporter --config.file="$WORK/snmp.yml" --web.listen-address="$SNMPX"
  wait_http "http://$SNMPX/metrics" 15 "$LAST_PID"
}

# anchor_alertmanager   sets AMP
anchor_alertmanager() {
  AMP=$(free_port tcp)
  cat > "$WORK/alertmanager.yml" <<YAML
# group_wait, group_interval, repeat_interval: Alertmanager's defaults (30s, 5m, 4h)
route:
  receiver: sink
  group_by: [alertname, instance]
  routes:
    - {matchers: ['alertname="InterfaceDown"'], group_by: [alertname, instance, ifName]}
receivers:
  - name: sink
    webhook_configs: [{url: "http://$SINK/am"}]
YAML
  start_bg alertmanager /usr/bin/prometheus-alertmanager --config.file="$WORK/alertmanager.yml" \
    --storage.path="$WORK/am" --web.listen-address="127.0.0.1:$AMP" --cluster.listen-address=
  wait_http "http://127.0.0.1:$AMP/-/ready" 30 "$LAST_PID"
}

# start_anchor AGENT_TARGETS SNMP_STATIC_CONFIGS
#   AGENT_TARGETS: "127.0.0.1:p1","127.0.0.1:p2" (empty: no agents job)
#   SNMP_STATIC_CONFIGS: YAML list items, one per device, `- {targets: ["addr"], labels: {instance: name}}`
#   (empty: no snmp job). Sets PRP (Prometheus's port) and AMP.
start_anchor() {
  anchor_alertmanager
  { echo "groups:"
    [ -z "$1" ] || printf '  - name: agents\n    rules:\n      - {alert: AgentOffline, expr: %s, for: %s}\n' \
      "'up{job=\"agents\"} == 0'" "$FOR"
    [ -z "$2" ] || printf '  - name: links\n    rules:\n      - {alert: InterfaceDown, expr: %s, for: 0s}\n' \
      "'ifOperStatus{job=\"snmp\"} == 2'"
  } > "$WORK/rules.yml"
  { cat <<YAML
# global: scrape_interval and evaluation_interval at their defaults (1m), scrape_timeout 10s
rule_files: ["$WORK/rules.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:$AMP"]}]}]
scrape_configs:
YAML
    [ -z "$1" ] || printf '  - job_name: agents\n    static_configs: [{targets: [%s]}]\n' "$1"
    [ -z "$2" ] || { printf '  - job_name: snmp\n    metrics_path: /snmp\n    params: {module: [if_mib]}\n'
      printf '    relabel_configs:\n      - {source_labels: [__address__], target_label: __param_target}\n'
      printf '      - {target_label: __address__, replacement: "%s"}\n    static_configs:\n%s\n' "$SNMPX" "$2"; }
  } > "$WORK/prometheus.yml"
  PRP=$(free_port tcp)
  start_bg prometheus /usr/bin/prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prom" \
    --web.listen-address="127.0.0.1:$PRP" --storage.tsdb.retention.time=1d
  wait_http "http://127.0.0.1:$PRP/-/ready" 60 "$LAST_PID"
}
