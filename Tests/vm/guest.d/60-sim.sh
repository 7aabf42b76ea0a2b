#!/bin/bash
# `regolith sim` with its CAN devices on vcan0, inside the test VM (run by Tests/vm/guest.sh):
# the simulator process opens vcan0 through FlightHAL's SocketCANLink for the engine, attitude,
# leg, IMU and altimeter devices (the power unit stays on a PTY); python-can plays the flight
# computer, cantools (Boards/regolith.dbc, not our code) encodes its commands and decodes the
# devices' frames: free fall with the engine off, then ENGINE_CMD arm + fire and the
# ENGINE_STATUS thrust and the IMU's specific force rising; then the rover's six wheel
# controllers on the same bus drive it. SIGTERM stops each run cleanly.
# Ends with "sim: N passed, N failed".
set -u
repo=${REGOLITH_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
venv=${VENV:-$repo/.venv}
bin=${REGOLITH_BIN:-$repo/.build/debug/regolith}
work=$(mktemp -d /tmp/sim.XXXXXX)
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

vcan0_up

cat > "$work/board.yaml" <<YAML
board: vm-vcan
summary: the simulator's CAN devices on vcan0, the power unit on a PTY
simulator: process
devices:
  imu: {can: vcan0}
  altimeter: {can: vcan0}
  engine: {can: vcan0}
  attitude: {can: vcan0}
  legs: {can: vcan0}
  power: {pty: $work/power, baud: 115200}
  wheels: {can: vcan0}
  hazard: {can: vcan0}
  rover-imu: {pty: $work/rover-imu, baud: 460800}
ground: none
YAML

name="prerequisites"
if [ ! -x "$bin" ]; then fail "no regolith at $bin (swift build on the host)"
elif [ ! -x "$venv/bin/python" ]; then fail "no venv python at $venv"
else
  REGOLITH="$bin" BOARD="$work/board.yaml" WORK="$work" DBC="$repo/Boards/regolith.dbc" \
    timeout 300 "$venv/bin/python" - > "$work/py.log" 2>&1 <<'PY'
import math, os, signal, subprocess, time
import can, cantools

db = cantools.database.load_file(os.environ["DBC"], strict=True)

def report(name, ok, detail):
    print(("PASS " if ok else "FAIL ") + name + " — " + detail, flush=True)

def start(mission):
    p = subprocess.Popen([os.environ["REGOLITH"], "sim", "--board", os.environ["BOARD"], "--mission", mission, "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    header = []
    while True:
        line = p.stdout.readline()
        if not line:
            raise RuntimeError("regolith sim exited: " + "".join(header) + p.stderr.read())
        header.append(line)
        if line.strip() == "sim: ready":
            return p

def stop(p):
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    return p.returncode, out, err

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

def force(d):
    return math.sqrt(d["AccelX"] ** 2 + d["AccelY"] ** 2 + d["AccelZ"] ** 2)

# 1. The lander, engine off: free fall, counters in sequence, legs open, beams ranging ~15 km.
sim = start("lander")
frames = collect(2.0, {0x030, 0x020, 0x040, 0x011})
accel = [decode(m) for m in frames if m.arbitration_id == 0x030]
c = [d["Counter"] for d in accel]
gaps = sum(1 for a, b in zip(c, c[1:]) if b != (a + 1) % 256)
report("IMU_ACCEL in free fall (cantools)", len(accel) >= 10 and gaps == 0 and all(d["Valid"] == 1 and force(d) < 0.05 for d in accel),
       f"{len(accel)} samples, {gaps} counters out of sequence, largest |f| {max((force(d) for d in accel), default=-1):.4f} m/s^2")
beams = [decode(m) for m in frames if m.arbitration_id == 0x040]
legs = [decode(m) for m in frames if m.arbitration_id == 0x020]
report("altimeter and legs", bool(beams) and all(d["RangeValid"] == 1 and 14_000 < d["Range"] < 15_100 for d in beams)
       and bool(legs) and all(d["Leg1"] == 0 and d["Leg1Valid"] == 1 for d in legs),
       f"{len(beams)} beam-0 ranges (first {beams[0]['Range'] if beams else None} m), {len(legs)} leg frames")

# 2. ENGINE_CMD arm, then fire at full throttle: ENGINE_STATUS thrust and the IMU rise.
def send(values):
    bus.send(can.Message(arbitration_id=0x010, is_extended_id=False, data=db.encode_message("ENGINE_CMD", values, strict=True)))

send(dict(ThrottleCmd=0, ValveCmd=0, ArmCmd=1, Shutdown=0, Counter=1))
time.sleep(0.1)
send(dict(ThrottleCmd=100, ValveCmd=1, ArmCmd=1, Shutdown=0, Counter=2))
# Up to 10 s of wall time: a debug build under TCG may run well below real time.
rising, deadline = [], time.monotonic() + 10
while time.monotonic() < deadline and not (rising and rising[-1]["Thrust"] > 7_000):
    rising += [decode(m) for m in collect(0.2, {0x011})]
thrusts = [d["Thrust"] for d in rising]
report("ENGINE_STATUS thrust rises after arm + fire", len(thrusts) > 10 and thrusts[0] < thrusts[-1] and thrusts[-1] > 7_000
       and rising[-1]["Armed"] == 1 and rising[-1]["ValveState"] == 1 and rising[-1]["CmdCounter"] == 2,
       f"thrust {thrusts[:1]} ... {thrusts[-1:]} N over {len(thrusts)} statuses")
accel = [decode(m) for m in collect(0.5, {0x030})]
# (The engine may still be on its last few percent of the lag's rise: the latest sample counts.)
report("IMU specific force under thrust", bool(accel) and 2.5 < force(accel[-1]) < 2.8 and all(2.0 < force(d) < 2.8 for d in accel),
       f"|f| {force(accel[-1]) if accel else None:.3f} m/s^2 (7.5 kN on ~2.9 t)")
rc, out, err = stop(sim)
report("lander sim stops cleanly on SIGTERM", rc == 0 and "sim: engine: 2 commands accepted, 0 refused" in out
       and not os.path.exists(os.path.join(os.environ["WORK"], "power")), f"exit {rc}; {err.strip()[-200:]}")

# 3. The rover: six wheel commands at 10 Hz on the bus; the statuses follow and it moves.
sim = start("rover")
status = []
for i in range(30):
    for w in range(6):
        bus.send(can.Message(arbitration_id=0x100 + w, is_extended_id=False,
                             data=db.encode_message(f"WHEEL{w}_CMD", dict(SpeedCmd=0.3, Enable=1, Counter=(i + 1) % 256), strict=True)))
    got = [decode(m) for m in collect(0.1, {0x110 + w for w in range(6)})]
    if i >= 20:  # the last second, the wheels long up to speed (statuses while still commanded)
        status += got
ok = len(status) >= 6 and all(abs(d["Speed"] - 0.3) < 0.05 and d["Enabled"] == 1 and d["Valid"] == 1 for d in status)
report("wheel statuses follow WHEELn_CMD", ok, f"{len(status)} statuses, speeds {sorted({round(d['Speed'], 2) for d in status})}")
rc, out, err = stop(sim)
distance = next((l for l in out.splitlines() if l.startswith("sim: truth: distance")), "")
report("rover sim drove and stopped cleanly", rc == 0 and "sim: truth: distance 0.00 m" not in distance and distance != "",
       f"exit {rc}; {distance}")
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
echo "sim: $passed passed, $failed failed"
[ $failed = 0 ]
