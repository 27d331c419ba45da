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
# The protocol is internal/testpeer's passpersist.py, written next to this file by the test.
import sys
from passpersist import Watched, oid, serve, table

ROOT = oid(sys.argv[2])
LTM = "1.3.6.1.4.1.3375.2.2"
MBR, POOL, VS, VSCONF = LTM + ".5.6.2.1", LTM + ".5.1.2.1", LTM + ".10.13.2.1", LTM + ".10.1.2.1"
SERVING = (1, 2, 4)


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
    return table(r, ROOT, d.get("drop", []))


STATE = Watched(sys.argv[1], build, [])

if __name__ == "__main__":
    serve(STATE.get)
