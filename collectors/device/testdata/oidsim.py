# net-snmp pass_persist helper for the device collector's tests: serves the OID rows of a JSON state
# file ([{"oid": ".1.3.6.1.4.1...", "type": "integer|gauge|counter|string", "value": "8"}, ...]),
# re-read whenever it changes, so a test can take an AP down while snmpd runs.
# Usage (snmpd.conf): pass_persist .1.3.6.1.4.1 /usr/bin/python3 oidsim.py STATEFILE
# The protocol is internal/testpeer's passpersist.py, written next to this file by the test.
import sys
from passpersist import Watched, oid, serve
STATE = Watched(sys.argv[1], lambda data: sorted(((oid(r["oid"]), r["type"], str(r["value"])) for r in data),
                                                 key=lambda r: r[0]), [])
if __name__ == "__main__":
    serve(STATE.get)
