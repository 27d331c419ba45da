# net-snmp's pass_persist protocol, shared by the test helpers that snmpd runs (ifsim.py here; the device
# collector's oidsim.py, lbsim.py and upssim.py): PING/PONG, get and getnext over sorted rows, sets refused.
# testpeer.WritePassPersist puts this file next to a helper, which imports it.
import json, os, sys


class Watched:
    """A JSON state file, parsed by build() again whenever it changes (inode, mtime or size); a file
    that does not parse (half written) keeps the previous value."""

    def __init__(self, path, build, empty):
        self.path, self.build, self.value, self.key = path, build, empty, None

    def get(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return self.value
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        if key != self.key:
            try:
                with open(self.path) as f:
                    self.value = self.build(json.load(f))
                self.key = key
            except Exception:
                pass  # half-written file: keep the previous value
        return self.value


def oid(s):
    """".1.3.6" or "1.3.6" as a tuple of ints."""
    return tuple(int(p) for p in s.strip().strip(".").split(".") if p)


def table(values, root=None, drop=()):
    """Rows from {"1.3.6...": (type, value)}: the objects under a dropped prefix left out (noSuchObject),
    only those within root kept, sorted."""
    drop = [p.strip(".") for p in drop]
    rows = [(oid(o), t, str(v)) for o, (t, v) in values.items()
            if not any(o == p or o.startswith(p + ".") for p in drop)]
    if root:
        rows = [r for r in rows if r[0][:len(root)] == root]
    return sorted(rows, key=lambda r: r[0])


def _out(lines):
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def serve(rows):
    """Answers snmpd on stdin/stdout until it closes; rows() returns the sorted (oid, type, value) rows,
    called for each request so that moving counters move."""
    while True:
        cmd = sys.stdin.readline()
        if not cmd:
            return
        cmd = cmd.strip().lower()
        if cmd == "ping":
            _out(["PONG"])
        elif cmd in ("get", "getnext"):
            want = oid(sys.stdin.readline())
            hit = next((r for r in rows() if (r[0] == want if cmd == "get" else r[0] > want)), None)
            _out(["." + ".".join(map(str, hit[0])), hit[1], hit[2]] if hit else ["NONE"])
        elif cmd == "set":
            sys.stdin.readline()
            sys.stdin.readline()
            _out(["not-writable"])
        elif cmd:
            _out(["NONE"])
