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
# The protocol is internal/testpeer's passpersist.py, written next to this file by the test.
import sys
from passpersist import Watched, oid, serve, table

ROOT = oid(sys.argv[2])
UPS, PDU = "1.3.6.1.2.1.33.1", "1.3.6.1.4.1.318.1.1.12"
ALARM = "1.3.6.1.2.1.33.1.6.3."  # well-known alarms: 2 OnBattery, 3 LowBattery
# state → battery status, seconds on battery, minutes left, charge %, output source, alarms
STATES = {
    "mains": (2, 0, 45, 100, 3, []),
    "on_battery": (2, 120, 38, 92, 5, [2]),
    "low_battery": (3, 900, 4, 18, 5, [2, 3]),
}


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
    for o, tv in d.get("set", {}).items():
        r[o.strip(".")] = tuple(tv)
    return table(r, ROOT, d.get("drop", []))


STATE = Watched(sys.argv[1], build, [])

if __name__ == "__main__":
    serve(STATE.get)
