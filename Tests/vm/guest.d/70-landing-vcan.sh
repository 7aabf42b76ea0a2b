#!/bin/bash
# The lander lands with its CAN devices on the real Linux CAN stack (vcan0), inside the test VM
# (run by Tests/vm/guest.sh): the layout of Boards/sim-vcan.yaml (IMU, altimeter and power
# unit on PTYs; engine controller, attitude unit and leg switches on SocketCAN vcan0), the
# simulator as one process (`regolith sim --hold`), the flight software as another
# (`regolith mission lander-descent` under the real-time executive), both at the same time
# scale. The simulator's truth must be inside ACCEPTANCE.md's touchdown envelope, the flight
# side must declare LANDED with its sequence completed and no frame refused on any link.
# Ends with "landing-vcan: N passed, N failed".
set -u
repo=${REGOLITH_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
venv=${VENV:-$repo/.venv}
# A release build (`make test-vm` builds one): under TCG a debug build cannot keep either
# process on time (measured: x4 gave 19,364 cycle slips and the two clocks 160 s apart; x2 on
# a loaded host, the simulator at under x1 and a crash).
bin=${REGOLITH_RELEASE_BIN:-${REGOLITH_BIN:-$repo/.build/release/regolith}}
scale=${LANDING_TIME_SCALE:-2}
work=$(mktemp -d /tmp/landing.XXXXXX)
. "$(dirname "${BASH_SOURCE[0]}")/../guest-lib.sh"

vcan0_up

sed -e "s#/tmp/regolith-sim#$work#g" -e "s/^board: sim-vcan/board: vm-sim-vcan/" "$repo/Boards/sim-vcan.yaml" > "$work/board.yaml"

name="simulator ready"
"$bin" sim --board "$work/board.yaml" --hold --time-scale "$scale" --stop-after-touchdown 3 --quiet > "$work/sim.out" 2> "$work/sim.err" &
sim=$!
for _ in $(seq 1 300); do grep -q '^sim: ready' "$work/sim.out" && break; sleep 0.1; done
grep -q '^sim: ready' "$work/sim.out" && pass "$(grep -c 'can vcan0' "$work/sim.out") devices on vcan0" \
  || fail "no 'sim: ready': $(cat "$work/sim.err")"

name="flight software lands"
t0=$SECONDS
timeout 900 "$bin" mission lander-descent --board "$work/board.yaml" --time-scale "$scale" --quiet \
  --report "$work/flight.json" > "$work/flight.out" 2>&1
frc=$?
wait "$sim"; src=$?
if [ $frc = 0 ]; then pass "exit 0 after $((SECONDS - t0)) s: $(grep 'LANDED declared' "$work/flight.out")"
else fail "exit $frc: $(tail -15 "$work/flight.out")"; fi

name="simulator kept pace"
pace=$(sed -n 's/^sim: stopped .* (x\([0-9.]*\) real time)$/\1/p' "$work/sim.out")
if [ -n "$pace" ] && awk -v p="$pace" -v s="$scale" 'BEGIN { exit !(p >= 0.95 * s) }'; then pass "x$pace (asked x$scale)"
else fail "x${pace:-?} of x$scale: the VM was too slow for a real-time run; the landing below is not meaningful"; fi

name="simulator's truth inside the envelope (speeds, tilt)"
line=$(grep '^sim: touchdown at' "$work/sim.out")
if [ $src = 0 ] && [ -n "$line" ] && echo "$line" | awk '{
    gsub(/[,:]/, " "); for (i = 1; i <= NF; i++) v[$i] = $(i + 1)
    exit !(v["vertical"] <= 3.05 && v["horizontal"] <= 1.22 && v["tilt"] <= 6) }'; then
  pass "$line"
else
  fail "exit $src; ${line:-no touchdown}; $(tail -5 "$work/sim.err")"
fi

# The slope under the feet is where the hover and the close look chose to land, which the
# real-time run's timing moves (seed 1 lands on 0.9 deg in lockstep): checked on its own line.
name="slope under the feet <= 12 deg"
slope=$(echo "$line" | sed -n 's/.*slope \([0-9.]*\) deg.*/\1/p')
if [ -n "$slope" ] && awk -v s="$slope" 'BEGIN { exit !(s <= 12) }'; then pass "$slope deg"
elif [ -n "$slope" ]; then fail "$slope deg: $line"
else fail "no slope in: ${line:-no touchdown}"; fi

name="flight report"
if [ -x "$venv/bin/python" ] && [ -f "$work/flight.json" ]; then
  out=$("$venv/bin/python" - "$work/flight.json" "$work/sim.out" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
t = float(re.search(r"sim: touchdown at ([\d.]+) s", open(sys.argv[2]).read()).group(1))
bad = [d for d in r["devices"] if d["received"] == 0 or d["rejected"] != 0]
landed = (r.get("landed") or {}).get("time", float("nan"))
ok = (r["final_phase"] == "LANDED" and r["sequence_completed"] and not bad and 700 <= t - (r["ignition_time"] or 0) <= 800
      and abs(landed - t) < 1.0)
print(("ok" if ok else "bad") + f" {r['final_phase']}: LANDED at {landed:.2f} s (truth {t:.2f} s), ignition {r.get('ignition_time')}, "
      f"{r['cycle_slips']} cycle slips, {r['ticks_missed']} ticks missed, devices refusing or silent: {bad}")
PY
)
  case $out in ok*) pass "${out#ok }" ;; *) fail "$out" ;; esac
else
  fail "no venv python or no report"
fi
grep -E '^sim: (engine|attitude|legs):' "$work/sim.out"
[ $failed = 0 ] || { echo "--- flight side"; cat "$work/flight.out"; echo "--- simulator"; tail -25 "$work/sim.out"; }
rm -rf "$work"
echo "landing-vcan: $passed passed, $failed failed"
[ $failed = 0 ]
