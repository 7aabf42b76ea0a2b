#!/bin/bash
# Device emulators on the real Linux CAN stack, inside the test VM (run by Tests/vm/guest.sh):
# device-peer (Tests/Support/DevicePeer) runs the lander IMU and the engine controller
# emulators of Simulator/Devices on vcan0 through FlightHAL's SocketCANLink; python-can
# receives their frames and cantools decodes them with Boards/regolith.dbc (an implementation
# that is not ours); python-can sends ENGINE_CMD frames that cantools encoded and the engine
# status follows; malformed frames are rejected and counted by reason.
# Ends with "devices: N passed, N failed".
set -u
repo=${REGOLITH_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
venv=${VENV:-$repo/.venv}
bin=${REGOLITH_BIN:-$repo/.build/debug/regolith}
peer=$(dirname "$bin")/device-peer
work=$(mktemp -d /tmp/devices.XXXXXX)
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

vcan0_up

name="prerequisites"
if [ ! -x "$peer" ]; then fail "no device-peer next to $bin (swift build on the host)"
elif [ ! -x "$venv/bin/python" ]; then fail "no venv python at $venv"
else
  DEVICE_PEER="$peer" DBC="$repo/Boards/regolith.dbc" timeout 240 "$venv/bin/python" - > "$work/py.log" 2>&1 <<'PY'
import os, subprocess, time
import can, cantools

db = cantools.database.load_file(os.environ["DBC"], strict=True)
peer = os.environ["DEVICE_PEER"]

def report(name, ok, detail):
    print(("PASS " if ok else "FAIL ") + name + " — " + detail, flush=True)

def start(device):
    p = subprocess.Popen([peer, device, "socketcan:vcan0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True, bufsize=1)
    lines = [p.stdout.readline().strip(), p.stdout.readline().strip()]
    assert lines == ["can vcan0", "ready"], lines
    return p

def counts(p, command="counts"):
    p.stdin.write(command + "\n"); p.stdin.flush()
    words = p.stdout.readline().split()
    return {k: int(v) for k, v in (w.split("=") for w in words[1:])}

bus = can.Bus(interface="socketcan", channel="vcan0")

def collect(seconds, ids):
    got, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        m = bus.recv(0.05)
        if m is not None and m.arbitration_id in ids and not m.is_error_frame:
            got.append(m)
    return got

def decode(m):
    return db.decode_message(m.arbitration_id, m.data, decode_choices=False)

imu = start("imu")
engine = start("engine")
print("peers started", flush=True)

def collect_until(ids, n, seconds=30.0):
    """Frames with `ids` until there are `n` of each (or `seconds` pass): how many arrive is
    asserted, never how fast (a debug build under TCG runs at its own pace)."""
    got, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline and min(sum(1 for m in got if m.arbitration_id == i) for i in ids) < n:
        got += collect(0.2, ids)
    return got

# 1. The IMU's frames, decoded by cantools.
frames = collect_until({0x030, 0x031}, 20)
accel = [decode(m) for m in frames if m.arbitration_id == 0x030]
rate = [decode(m) for m in frames if m.arbitration_id == 0x031]
ok = (len(accel) >= 20 and len(rate) >= 20
      and all(abs(d["AccelX"] - 0.25) < 1e-3 and abs(d["AccelY"] + 0.5) < 1e-3 and abs(d["AccelZ"] - 1.625) < 1e-3
              and d["Valid"] == 1 and d["Saturated"] == 0 for d in accel)
      and all(abs(d["RateX"] - 0.01) < 1e-4 and abs(d["RateY"] + 0.02) < 1e-4 and abs(d["RateZ"] - 0.0035) < 1e-4 for d in rate)
      and all(len(m.data) == 8 and not m.is_extended_id for m in frames))
report("IMU_ACCEL/IMU_RATE decoded by cantools", ok, f"{len(accel)} accel, {len(rate)} rate; first {accel[:1]}")
c = [d["Counter"] for d in accel]
gaps = sum(1 for a, b in zip(c, c[1:]) if b != (a + 1) % 256)
report("IMU rolling counter", len(c) >= 20 and gaps == 0, f"{len(c)} counters, {gaps} out of sequence")

# 2. ENGINE_CMD encoded by cantools; ENGINE_STATUS follows.
def send(values):
    bus.send(can.Message(arbitration_id=0x010, is_extended_id=False, data=db.encode_message("ENGINE_CMD", values, strict=True)))

def engine_status(seconds=0.6):
    got = [decode(m) for m in collect(seconds, {0x011})]
    return got[-1] if got else None

s = engine_status()
report("ENGINE_STATUS before any command", s is not None and s["Armed"] == 0 and s["ValveState"] == 0 and s["Thrust"] == 0, f"{s}")
send(dict(ThrottleCmd=0, ValveCmd=0, ArmCmd=1, Shutdown=0, Counter=1))
send(dict(ThrottleCmd=60, ValveCmd=1, ArmCmd=1, Shutdown=0, Counter=2))
s = engine_status()
report("engine armed and firing at 60 %", s is not None and s["Armed"] == 1 and s["ValveState"] == 1 and s["Thrust"] == 4500
       and abs(s["ChamberPressure"] - 0.6) < 1e-3 and s["CmdCounter"] == 2, f"{s}")

# 3. Frames the protocol refuses: counted by reason, and the controller still answers.
send(dict(ThrottleCmd=10, ValveCmd=3, ArmCmd=1, Shutdown=0, Counter=2))                   # repeated counter
bus.send(can.Message(arbitration_id=0x010, is_extended_id=False, data=b"\x01\x02"))      # too short
bus.send(can.Message(arbitration_id=0x010, is_extended_id=False, is_remote_frame=True, dlc=4))  # remote
bus.send(can.Message(arbitration_id=0x010, is_extended_id=False, data=b"\xff\xff\x03\x09"))  # throttle 655.35 %
bus.send(can.Message(arbitration_id=0x010, is_extended_id=True, data=b"\x00\x00\x00\x0a"))   # extended id
send(dict(ThrottleCmd=40, ValveCmd=3, ArmCmd=1, Shutdown=0, Counter=3))
s = engine_status()
report("engine follows a command after bad frames", s is not None and s["Thrust"] == 3000 and s["CmdCounter"] == 3, f"{s}")
c = counts(engine)
report("bad frames counted by reason",
       c.get("wrongLength") == 1 and c.get("unsupportedFrame") == 2 and c.get("outOfRange") == 1
       and c.get("repeatedCounter") == 1 and c.get("accepted") == 3, " ".join(f"{k}={v}" for k, v in c.items()))

for p in (imu, engine):
    counts(p, "quit")
rcs = [p.wait(timeout=30) for p in (imu, engine)]
report("peers exit cleanly", rcs == [0, 0], f"exit codes {rcs}")
bus.shutdown()
PY
  rc=$?
  while IFS= read -r line; do
    case $line in
      "PASS "*) name=${line#PASS }; name=${name%% — *}; pass "${line#* — }" ;;
      "FAIL "*) name=${line#FAIL }; name=${name%% — *}; fail "${line#* — }" ;;
    esac
  done < "$work/py.log"
  name="python-can script"
  [ $rc = 0 ] || fail "exit $rc: $(grep -v '^PASS\|^FAIL' "$work/py.log" | tail -5)"
fi
rm -rf "$work"
echo "devices: $passed passed, $failed failed"
[ $failed = 0 ]
