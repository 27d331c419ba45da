# net-snmp pass_persist helper: synthetic IF-MIB ifNumber/ifTable/ifXTable from a JSON state file,
# re-read whenever it changes. Counters move by themselves:
#   octets = <in|out>_base + <in|out>_bps/8 * (now - since)   (since: per interface, else top-level t0)
#   packets = octets/1000.   Link down: "oper":2; admin down: "admin":2.
#   "no_hc": true leaves out the 64-bit ifHC* columns (an old device: 32-bit counters only).
# The protocol is passpersist.py's.
import sys, time
from passpersist import Watched, serve
T0 = time.time()
STATE = Watched(sys.argv[1], lambda d: (sorted(d.get("interfaces", []), key=lambda i: int(i["index"])), d.get("t0")),
                ([], None))
def octets(i, d, t0):
    since = float(i.get("since") or t0 or T0)
    return int(i.get(d + "_base", 0)) + int(float(i.get(d + "_bps", 0)) / 8.0 * max(0.0, time.time() - since))
def build():
    ifs, t0 = STATE.get()
    T = (1, 3, 6, 1, 2, 1, 2, 2, 1); X = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
    M32, M64 = 2 ** 32, 2 ** 64
    rows = [((1, 3, 6, 1, 2, 1, 2, 1, 0), "integer", str(len(ifs)))]
    for i in ifs:
        x = int(i["index"]); name = str(i.get("name", "if%d" % x)); speed = int(i.get("speed_mbps", 1000))
        ib, ob = octets(i, "in", t0), octets(i, "out", t0)
        c = lambda k: str(int(i.get(k, 0)) % M32)
        rows += [
            (T + (1, x), "integer", str(x)), (T + (2, x), "string", str(i.get("descr", name))),
            (T + (3, x), "integer", str(int(i.get("type", 6)))), (T + (4, x), "integer", str(int(i.get("mtu", 1500)))),
            (T + (5, x), "gauge", str(min(speed * 1000000, M32 - 1))), (T + (6, x), "string", str(i.get("mac", ""))),
            (T + (7, x), "integer", str(int(i.get("admin", 1)))), (T + (8, x), "integer", str(int(i.get("oper", 1)))),
            (T + (9, x), "timeticks", str(int(i.get("last_change", 0)))),
            (T + (10, x), "counter", str(ib % M32)), (T + (11, x), "counter", str(ib // 1000 % M32)),
            (T + (13, x), "counter", c("in_discards")), (T + (14, x), "counter", c("in_errors")),
            (T + (16, x), "counter", str(ob % M32)), (T + (17, x), "counter", str(ob // 1000 % M32)),
            (T + (19, x), "counter", c("out_discards")), (T + (20, x), "counter", c("out_errors")),
            (X + (1, x), "string", name),
            (X + (15, x), "gauge", str(speed)), (X + (18, x), "string", str(i.get("alias", ""))),
        ]
        if not i.get("no_hc"):
            rows += [
                (X + (6, x), "counter64", str(ib % M64)), (X + (7, x), "counter64", str(ib // 1000 % M64)),
                (X + (10, x), "counter64", str(ob % M64)), (X + (11, x), "counter64", str(ob // 1000 % M64)),
            ]
    rows.sort(key=lambda r: r[0])
    return rows
if __name__ == "__main__":
    serve(build)
