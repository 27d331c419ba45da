# net-snmp pass_persist helper for the machine-room tests: a UPS (RFC 1628 UPS-MIB, 1.3.6.1.2.1.33)
# and an APC rack PDU (PowerNet-MIB rPDU, 1.3.6.1.4.1.318.1.1.12) built from a JSON state file that the
# test rewrites while snmpd runs (re-read whenever it changes):
#   {"ups": "mains" | "on_battery" | "low_battery", "lines": [[input V, output load %], ...],
#    "pdu": {"watts": 1450, "rows": [[phase, bank, current in 0.1 A], ...]},
#    "set": {"<oid>": ["integer", 3]}, "drop": ["<oid prefix>", ...]}
# set overrides single values (a card that keeps only some signs of battery up to date), drop removes
# objects (a card without them: noSuchObject).
# Usage (snmpd.conf), one line per subtree it serves (it answers only within ROOT):
#   pass_persist .1.3.6.1.2.1.33 /usr/bin/python3 upssim.py STATEFILE .1.3.6.1.2.1.33
import json, os, sys

STATE = sys.argv[1]
ROOT = tuple(int(p) for p in sys.argv[2].strip(".").split("."))
UPS, PDU = "1.3.6.1.2.1.33.1", "1.3.6.1.4.1.318.1.1.12"
ALARM = "1.3.6.1.2.1.33.1.6.3."  # well-known alarms: 2 OnBattery, 3 LowBattery
# state → battery status, seconds on battery, minutes left, charge %, output source, alarms
STATES = {
    "mains": (2, 0, 45, 100, 3, []),
    "on_battery": (2, 120, 38, 92, 5, [2]),
    "low_battery": (3, 900, 4, 18, 5, [2, 3]),
}
C = {"key": None, "rows": []}


def build(d):
    status, secs, mins, charge, source, alarms = STATES[d.get("ups", "mains")]
    on_mains = source == 3
    r = {UPS + ".2.1.0": ("integer", status), UPS + ".2.2.0": ("integer", secs),
         UPS + ".2.3.0": ("integer", mins), UPS + ".2.4.0": ("integer", charge),
         UPS + ".4.1.0": ("integer", source), UPS + ".6.1.0": ("gauge", len(alarms))}
    for i, (volts, load) in enumerate(d.get("lines", [[220, 35]]), 1):
        r["%s.3.3.1.3.%d" % (UPS, i)] = ("integer", volts if on_mains else 0)
        r["%s.4.4.1.5.%d" % (UPS, i)] = ("integer", load)
    for i, a in enumerate(alarms, 1):
        r["%s.6.2.1.1.%d" % (UPS, i)] = ("integer", i)
        r["%s.6.2.1.2.%d" % (UPS, i)] = ("objectid", "." + ALARM + str(a))
    pdu = d.get("pdu", {"watts": 1450, "rows": [[1, 0, 64], [1, 1, 30], [1, 2, 34]]})
    r[PDU + ".1.16.0"] = ("integer", pdu["watts"])
    for i, (phase, bank, deci) in enumerate(pdu["rows"], 1):
        for col, v in ((1, i), (2, deci), (3, 1), (4, phase), (5, bank)):
            r["%s.2.3.1.1.%d.%d" % (PDU, col, i)] = ("integer", v)
    for oid, tv in d.get("set", {}).items():
        r[oid.strip(".")] = tuple(tv)
    drop = [p.strip(".") for p in d.get("drop", [])]
    r = {o: v for o, v in r.items() if not any(o == p or o.startswith(p + ".") for p in drop)}
    rows = ((tuple(int(x) for x in o.split(".")), t, str(v)) for o, (t, v) in r.items())
    return sorted((x for x in rows if x[0][:len(ROOT)] == ROOT), key=lambda x: x[0])


def rows():
    try:
        st = os.stat(STATE)
    except OSError:
        return C["rows"]
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    if key != C["key"]:
        try:
            with open(STATE) as f:
                C["rows"] = build(json.load(f))
            C["key"] = key
        except Exception:
            pass  # half-written file: keep the previous rows
    return C["rows"]


def out(lines):
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def main():
    while True:
        cmd = sys.stdin.readline()
        if not cmd:
            return
        cmd = cmd.strip().lower()
        if cmd == "ping":
            out(["PONG"])
        elif cmd in ("get", "getnext"):
            oid = tuple(int(p) for p in sys.stdin.readline().strip().strip(".").split(".") if p)
            hit = next((r for r in rows() if (r[0] == oid if cmd == "get" else r[0] > oid)), None)
            out(["." + ".".join(map(str, hit[0])), hit[1], hit[2]] if hit else ["NONE"])
        elif cmd == "set":
            sys.stdin.readline()
            sys.stdin.readline()
            out(["not-writable"])
        elif cmd:
            out(["NONE"])


if __name__ == "__main__":
    main()
