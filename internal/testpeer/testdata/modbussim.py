# Modbus TCP server for the device collector's tests, on Debian's python3-pymodbus (3.0): an
# independent implementation of the protocol. Registers come from a JSON state file, re-read when it
# changes:
#   {"units": {"1": {"holding": {"0": 1, "2": 513}, "input": {...}, "coils": {"0": 1}, "discrete": {...}}},
#    "fail": ["1:holding:40"],   # reading that register raises: pymodbus answers exception 04
#    "delay": 0.0}               # seconds to sleep before each answer (a slow device)
# An address a unit does not list answers exception 02 (illegal data address); a unit that is not listed
# answers exception 0B (gateway target failed to respond). Usage: modbussim.py PORT STATEFILE
import json, logging, os, sys, time
from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext
from pymodbus.datastore.store import BaseModbusDataBlock
from pymodbus.server import StartTcpServer

PORT, STATE = int(sys.argv[1]), sys.argv[2]
C = {"key": None, "data": {"units": {}}}

def state():
    try:
        st = os.stat(STATE)
    except OSError:
        return C["data"]
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    if key != C["key"]:
        try:
            with open(STATE) as f:
                C["data"], C["key"] = json.load(f), key
        except Exception:
            pass  # half-written file: keep the previous state
    return C["data"]

class Block(BaseModbusDataBlock):
    """One table of one unit, read from the state file on every request."""
    def __init__(self, unit, table):
        self.unit, self.table, self.address, self.default_value, self.values = unit, table, 0, 0, {}
    def cells(self):
        return state().get("units", {}).get(self.unit, {}).get(self.table, {})
    def validate(self, address, count=1):
        cells = self.cells()
        return all(str(a) in cells for a in range(address, address + count))
    def getValues(self, address, count=1):
        d = state()
        if d.get("delay"):
            time.sleep(float(d["delay"]))
        cells = self.cells()
        out = []
        for a in range(address, address + count):
            if "%s:%s:%d" % (self.unit, self.table, a) in (d.get("fail") or []):
                raise RuntimeError("injected device failure")
            out.append(int(cells[str(a)]))
        return out
    def setValues(self, address, values):
        raise RuntimeError("read-only")

class Units(ModbusServerContext):
    """Units are the state file's; any other unit id is a missing slave."""
    def __init__(self):
        super().__init__(slaves={}, single=False)
    def __contains__(self, unit):
        return str(unit) in state().get("units", {})
    def __getitem__(self, unit):
        u = str(unit)
        if u not in state().get("units", {}):
            from pymodbus.exceptions import NoSuchSlaveException
            raise NoSuchSlaveException(unit)
        return ModbusSlaveContext(di=Block(u, "discrete"), co=Block(u, "coils"), hr=Block(u, "holding"),
                                  ir=Block(u, "input"), zero_mode=True)
    def slaves(self):
        return [int(u) for u in state().get("units", {})]

logging.basicConfig(level=logging.WARNING)
StartTcpServer(context=Units(), address=("127.0.0.1", PORT))
