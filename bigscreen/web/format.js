// format.js — how the wall writes numbers, times and states (glossary.md):
// Asia/Shanghai times, Chinese durations ("3小时12分"), percentages that
// never round up to 100 %, and "—" for no data (never 0).
"use strict";
(function (W) {
  const NONE = "—";
  const CST_OFFSET_MS = 8 * 3600 * 1000; // Asia/Shanghai: UTC+8, no DST since 1991

  const STATE_COLOR = {
    ok: "#2fd18a", warn: "#ffb020", bad: "#ff4d4f", unknown: "#6b7a90",
    degraded: "#ffb020", down: "#ff4d4f",
  };
  const STATE_NAME = {
    ok: "正常", warn: "告警", bad: "故障", unknown: "无数据",
    degraded: "降级", down: "中断",
  };
  const SEVERITY_COLOR = {
    critical: "#ff4d4f", major: "#ff7a45", minor: "#ffb020", warning: "#4fa8ff",
  };

  function isNum(v) {
    return typeof v === "number" && Number.isFinite(v);
  }

  // trunc cuts toward zero at d decimals, so 99.996 % shows 99.99 %, never
  // 100 %; the epsilon keeps 0.9995*100 from becoming 99.94999….
  function trunc(v, d) {
    const f = Math.pow(10, d);
    return Math.trunc(v * f + Math.sign(v) * 1e-7) / f;
  }

  function fixed(v, d) {
    return trunc(v, d).toFixed(d);
  }

  function grouped(v, maxFrac) {
    return v.toLocaleString("en-US", { maximumFractionDigits: maxFrac });
  }

  function scaled(v, base, units, d) {
    let i = 0;
    let x = Math.abs(v);
    while (x >= base && i < units.length - 1) { x /= base; i++; }
    const digits = x >= 100 ? 0 : d;
    return (v < 0 ? "-" : "") + trunc(x, digits).toFixed(digits) + " " + units[i];
  }

  // duration renders seconds as at most two Chinese units, like cst.FormatDuration.
  function duration(sec) {
    let s = Math.max(0, Math.floor(sec));
    const days = Math.floor(s / 86400); s %= 86400;
    const hours = Math.floor(s / 3600); s %= 3600;
    const mins = Math.floor(s / 60); const secs = s % 60;
    if (days > 0) return days + "天" + hours + "小时";
    if (hours > 0) return hours + "小时" + mins + "分";
    if (mins > 0) return mins + "分" + secs + "秒";
    return secs + "秒";
  }

  function seconds(v) {
    if (Math.abs(v) < 1) return fixed(v * 1000, 1) + " ms";
    return fixed(v, 2) + " s";
  }

  function ms(v) {
    if (Math.abs(v) >= 1000) return fixed(v / 1000, 2) + " s";
    return fixed(v, Math.abs(v) < 10 ? 2 : 1) + " ms";
  }

  // value formats v by a panel's format; percent takes a ratio 0–1.
  function value(v, format) {
    if (!isNum(v)) return NONE;
    switch (format) {
      case "percent": return fixed(v * 100, 2) + "%";
      case "bps": return scaled(v, 1000, ["bps", "Kbps", "Mbps", "Gbps", "Tbps"], 2);
      case "bytes": return scaled(v, 1024, ["B", "KB", "MB", "GB", "TB", "PB"], 2);
      case "seconds": return seconds(v);
      case "ms": return ms(v);
      case "duration": return duration(v);
      default: return grouped(v, Number.isInteger(v) ? 0 : 2);
    }
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // time renders epoch milliseconds as "2026-11-27 14:05:09" in Asia/Shanghai
  // without relying on the wall PC's time zone.
  function time(msEpoch) {
    if (!isNum(msEpoch) || msEpoch <= 0) return NONE;
    const d = new Date(msEpoch + CST_OFFSET_MS);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }

  function clock(msEpoch) {
    return time(msEpoch).slice(11);
  }

  // parseTime reads an RFC 3339 time from the server; Go's zero time is "no time".
  function parseTime(s) {
    if (typeof s !== "string" || s.startsWith("0001-01-01")) return 0;
    const t = Date.parse(s);
    return Number.isNaN(t) ? 0 : t;
  }

  // stateOf picks a value's state: the server's, else the panel's thresholds
  // (sorted by value; the direction follows their order: a rising list means
  // higher is worse, a falling one lower is worse).
  function stateOf(v, state, thresholds) {
    if (state) return state;
    if (!isNum(v)) return "unknown";
    if (!Array.isArray(thresholds) || thresholds.length === 0) return "";
    const rising = thresholds.length < 2 || thresholds[0].value <= thresholds[thresholds.length - 1].value;
    let out = "ok";
    for (const t of thresholds) {
      if (rising ? v >= t.value : v <= t.value) out = t.state;
    }
    return out;
  }

  function color(state) {
    return STATE_COLOR[state] || STATE_COLOR.unknown;
  }

  W.fmt = {
    NONE, isNum, value, duration, time, clock, parseTime, stateOf, color,
    stateName: (s) => STATE_NAME[s] || STATE_NAME.unknown,
    severityColor: (s) => SEVERITY_COLOR[s] || STATE_COLOR.unknown,
  };
})(window.Wall = window.Wall || {});
