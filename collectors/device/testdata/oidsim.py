# net-snmp pass_persist helper for the device collector's tests: serves the OID rows of a JSON state
# file ([{"oid": ".1.3.6.1.4.1...", "type": "integer|gauge|counter|string", "value": "8"}, ...]),
# re-read whenever it changes, so a test can take an AP down while snmpd runs.
# Usage (snmpd.conf): pass_persist .1.3.6.1.4.1 /usr/bin/python3 oidsim.py STATEFILE
import json, os, sys
STATE = sys.argv[1]
C = {"key": None, "rows": []}
def rows():
    try:
        st = os.stat(STATE)
    except OSError:
        return C["rows"]
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    if key != C["key"]:
        try:
            with open(STATE) as f:
                data = json.load(f)
            C["rows"] = sorted(((tuple(int(p) for p in r["oid"].strip(".").split(".")), r["type"], str(r["value"]))
                                for r in data), key=lambda r: r[0])
            C["key"] = key
        except Exception:
            pass  # half-written file: keep the previous rows
    return C["rows"]
def out(lines):
    sys.stdout.write("\n".join(lines) + "\n"); sys.stdout.flush()
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
            sys.stdin.readline(); sys.stdin.readline(); out(["not-writable"])
        elif cmd:
            out(["NONE"])
if __name__ == "__main__":
    main()
