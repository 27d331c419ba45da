# latency-table.sh — alert-latency.sh's summary (sourced, not run): the sink's latency table in
# seconds, then per poll path what detection adds on top of the rule and the ratio anchor/SwanWatch.
# shellcheck shell=bash

# print_table TABLE   TABLE is `webhooksink report -format table` (path n missing min p50 p90 p99 max)
print_table() {
  local snmp_s; snmp_s=$(dur_s "$SNMP_INTERVAL")
  echo
  echo "== fault → webhook latency, seconds (paths: $PATHS)"
  awk 'NR==1 {printf "%-20s %4s %8s %9s %9s %9s %9s %9s\n", "path", "n", "missing", "min", "p50", "p90", "p99", "max"; next}
    {printf "%-20s %4d %8d %9.3f %9.3f %9.3f %9.3f %9.3f\n", $1, $2, $3, $4, $5, $6, $7, $8}' "$1"
  echo
  if on poll-agent; then
    awk -v f="$FOR_S" -v forstr="$FOR" -v ai="${AGENT_INTERVAL:-15s}" -v re="${RULES_EVAL:-30s (default)}" '
      { p50[$1] = $5 }
      END { s = p50["poll-agent-swanwatch"]; a = p50["poll-agent-anchor"]
        printf "poll-agent (for: %s, SwanWatch agents every %s, rules every %s; anchor 1m/1m + group_wait 30s):\n", forstr, ai, re
        printf "  p50 − for:  SwanWatch %.1f s, anchor %.1f s\n", s - f, a - f
        if (s > 0 && s > f) printf "  ratio anchor/SwanWatch, p50: %.2fx total, %.1fx beyond for:\n", a / s, (a - f) / (s - f) }' "$1"
  fi
  if on poll-link; then
    awk -v i="$snmp_s" -v cuts="$CUTS" -v scale="$WAN_SCALE" '
      { p50[$1] = $5; p99[$1] = $7; mx[$1] = $8; n[$1] = $2 }
      END { s = "poll-link-swanwatch"; a = "poll-link-anchor"
        printf "poll-link (%d cuts, both ends; wan-scale %s; SwanWatch SNMP poll every %d s, traps off; anchor 1m/1m + group_wait 30s):\n", cuts, scale, i
        printf "  SwanWatch minus one poll interval: p50 %.3f s, p99 %.3f s, max %.3f s (goal ≤ 2 s: %s)\n",
          p50[s] - i, p99[s] - i, mx[s] - i, (n[s] > 0 && mx[s] - i <= 2) ? "met" : "NOT met"
        if (p50[s] > 0) printf "  ratio anchor/SwanWatch: p50 %.1fx, max %.1fx\n", p50[a] / p50[s], mx[a] / mx[s] }' "$1"
  fi
  echo
}
