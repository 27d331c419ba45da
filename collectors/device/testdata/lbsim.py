# net-snmp pass_persist helper for the load-balancer tests: an F5 BIG-IP's F5-BIGIP-LOCAL-MIB tables
# (1.3.6.1.4.1.3375.2.2) built from a JSON state file that the test rewrites while snmpd runs (re-read
# whenever it changes):
#   {"pools": [{"name": "/Common/pool_web", "members": [{"node": "/Common/web01", "port": 80,
#                "avail": 1, "enabled": 1}, ...]}, ...],
#    "vs": [{"name": "/Common/vs_web", "pool": "/Common/pool_web", "enabled": 1, "avail": 1}, ...],
#    "drop": ["<oid prefix>", ...]}
# avail is AvailState (1 green, 3 red, 4 blue ...), enabled EnabledState (1 enabled, 2 disabled).
# A pool's ActiveMemberCnt counts its enabled members whose state carries traffic (green, yellow,
# blue). A virtual server without its own avail is green while its pool has an active member and red
# otherwise, as a BIG-IP shows it; one without a pool (iRule, redirect) has an empty DefaultPool and
# is blue. Names in an index are length-prefixed ASCII, as in the MIB.
# Usage (snmpd.conf): pass_persist .1.3.6.1.4.1.3375 /usr/bin/python3 lbsim.py STATEFILE .1.3.6.1.4.1.3375
import json, os, sys

STATE = sys.argv[1]
ROOT = tuple(int(p) for p in sys.argv[2].strip(".").split("."))
LTM = "1.3.6.1.4.1.3375.2.2"
MBR, POOL, VS, VSCONF = LTM + ".5.6.2.1", LTM + ".5.1.2.1", LTM + ".10.13.2.1", LTM + ".10.1.2.1"
SERVING = (1, 2, 4)
C = {"key": None, "rows": []}


def name_index(s):
    b = s.encode()
    return ".".join([str(len(b))] + [str(c) for c in b])


def build(d):
    r, active = {}, {}
    for p in d.get("pools", []):
        pi = name_index(p["name"])
        n = 0
        for m in p["members"]:
            mi = "%s.%s.%d" % (pi, name_index(m["node"]), m["port"])
            for col, v in ((1, ("string", p["name"])), (4, ("gauge", m["port"])),
                           (5, ("integer", m["avail"])), (6, ("integer", m["enabled"])),
                           (8, ("string", m.get("reason", "-"))), (9, ("string", m["node"]))):
                r["%s.%d.%s" % (MBR, col, mi)] = v
            n += m["avail"] in SERVING and m["enabled"] == 1
        active[p["name"]] = n
        r["%s.1.%s" % (POOL, pi)] = ("string", p["name"])
        r["%s.8.%s" % (POOL, pi)] = ("integer", n)
        r["%s.23.%s" % (POOL, pi)] = ("integer", len(p["members"]))
    for v in d.get("vs", []):
        vi = name_index(v["name"])
        pool = v.get("pool", "")
        avail = v.get("avail", (1 if active.get(pool, 0) > 0 else 3) if pool else 4)
        r["%s.1.%s" % (VS, vi)] = ("string", v["name"])
        r["%s.2.%s" % (VS, vi)] = ("integer", avail)
        r["%s.3.%s" % (VS, vi)] = ("integer", v.get("enabled", 1))
        r["%s.1.%s" % (VSCONF, vi)] = ("string", v["name"])
        r["%s.19.%s" % (VSCONF, vi)] = ("string", pool)
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
