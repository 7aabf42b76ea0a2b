#!/bin/bash
# SocketCAN backend inside the test VM (run by Tests/vm/guest.sh after the smoke suite):
# FlightHAL's SocketCANLink, CANInterfaceControl and ISOTPChannel (the Swift suite
# SocketCANVMTests) and `regolith can dump|send` against can-utils and python-can on vcan,
# then the frames/s benchmark beside cangen/candump. Ends with "socketcan: N passed, N failed".
set -u
repo=${REGOLITH_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
venv=${VENV:-$repo/.venv}
bin=${REGOLITH_BIN:-$repo/.build/debug/regolith}
tests=$(dirname "$bin")/RegolithPackageTests.xctest
work=$(mktemp -d /tmp/socketcan.XXXXXX)
results=${REGOLITH_SOCKETCAN_RESULTS:-$repo/.build/vm/socketcan-results.txt}
mkdir -p "$(dirname "$results")"; : > "$results"
passed=0; failed=0
pass() { echo "PASS  $name — $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $name — $*"; failed=$((failed + 1)); }
check() { name=$1; local n0=$((passed + failed)); "$2"; [ $((passed + failed)) = "$n0" ] && fail "check reported nothing"; }

# --- setup: modules, vcan0 classic, vcan1 FD, vcan2 for down/up ------------------------
setup() {
  local out
  out=$( { modprobe can-raw && modprobe can-isotp && modprobe vcan; } 2>&1 ) || { fail "modprobe: $out"; return; }
  for i in vcan0 vcan1 vcan2; do ip link del "$i" 2>/dev/null; done
  out=$( { ip link add vcan0 type vcan && ip link set vcan0 mtu 16 && ip link set vcan0 up &&
           ip link add vcan1 type vcan && ip link set vcan1 mtu 72 && ip link set vcan1 up &&
           ip link add vcan2 type vcan && ip link set vcan2 mtu 16 && ip link set vcan2 up; } 2>&1 ) \
    || { fail "vcan setup: $out"; return; }
  pass "vcan0 (mtu $(cat /sys/class/net/vcan0/mtu)), vcan1 (mtu $(cat /sys/class/net/vcan1/mtu)), vcan2 up"
}
check "setup" setup

# REGOLITH_SOCKETCAN_ONLY=bench runs the setup and the benchmark alone.
if [ "${REGOLITH_SOCKETCAN_ONLY:-}" != bench ]; then

# --- the Swift suite: each @Test counts as one check -----------------------------------
swift_suite() {
  [ -x "$tests" ] || { fail "no test bundle at $tests (swift build --build-tests on the host)"; return; }
  REGOLITH_IN_VM=1 timeout 900 "$tests" --testing-library swift-testing --filter SocketCANVMTests \
    > "$(dirname "$results")/socketcan-swift.log" 2>&1
  local rc=$?
  cp "$(dirname "$results")/socketcan-swift.log" "$work/swift.log"
  sed 's/\x1b\[[0-9;]*m//g' "$work/swift.log" > "$work/swift.txt"
  local t
  while IFS= read -r t; do
    name="swift $t"; pass "passed"
  done < <(grep -oE '✔ Test [a-zA-Z]+\(\)' "$work/swift.txt" | sed 's/✔ Test //')
  while IFS= read -r t; do
    name="swift $t"; fail "$(grep -F "$t" "$work/swift.txt" | grep -E 'Expectation|recorded' | head -3 | cut -c1-400)"
  done < <(grep -oE '✘ Test [a-zA-Z]+\(\)' "$work/swift.txt" | sed 's/✘ Test //' | sort -u)
  name="swift suite"
  if grep -q 'skipped' "$work/swift.txt"; then fail "tests were skipped (REGOLITH_IN_VM not seen?)"
  elif [ $rc = 0 ]; then pass "$(grep -E 'Test run with' "$work/swift.txt" | tail -1)"
  else fail "exit $rc: $(tail -3 "$work/swift.txt")"; fi
}
swift_suite

# --- regolith can dump/send against cansend/candump ------------------------------------
# Our dump prints `candump -L` lines: compare them without the timestamp.
strip_ts() { cut -d' ' -f2- "$1"; }
cli_dump_vs_cansend() {
  timeout 60 "$bin" can dump socketcan:vcan0 -c 3 > "$work/dump.log" 2> "$work/dump.err" & local pid=$!
  sleep 8   # the host-built binary loads Foundation over 9p: let it open the socket first
  cansend vcan0 123#DEADBEEF; cansend vcan0 1ABCDEF0#0011223344556677; cansend vcan0 7FF#R
  wait $pid; local rc=$?
  local want=$'vcan0 123#DEADBEEF\nvcan0 1ABCDEF0#0011223344556677\nvcan0 7FF#R'
  if [ $rc = 0 ] && [ "$(strip_ts "$work/dump.log")" = "$want" ]; then pass "$(strip_ts "$work/dump.log" | tr '\n' ' ')"
  else fail "rc $rc, got: $(cat "$work/dump.log" "$work/dump.err" | head -5)"; fi
}
check "regolith can dump <- cansend (classic, extended, remote)" cli_dump_vs_cansend

cli_send_vs_candump() {
  timeout 60 candump -L -n 3 vcan1 > "$work/candump.log" 2>&1 & local pid=$!
  sleep 1
  local fd64; fd64=$(printf '%02X' $(seq 0 63))
  "$bin" can send socketcan:vcan1 321#0102 18DAF110#AABBCCDDEEFF0011 "456##1$fd64" 2> "$work/send.err"
  local rc=$?
  wait $pid
  local want="vcan1 321#0102
vcan1 18DAF110#AABBCCDDEEFF0011
vcan1 456##5$fd64"
  # candump -L prints the FD flags the kernel delivers: BRS (1) | FDF (4, set by the 6.1 kernel).
  if [ $rc = 0 ] && [ "$(strip_ts "$work/candump.log")" = "$want" ]; then pass "candump -L saw all 3 (classic, extended, 64-byte FD+BRS)"
  else fail "rc $rc, candump: $(cat "$work/candump.log" "$work/send.err" | head -5)"; fi
}
check "regolith can send -> candump (classic + FD)" cli_send_vs_candump

cli_filter() {
  timeout 60 "$bin" can dump vcan0 -f 123:7FF -c 2 > "$work/filt.log" 2> "$work/filt.err" & local pid=$!
  sleep 8
  for f in 124#01 123#02 00000123#03 523#04 123#05; do cansend vcan0 $f; done
  wait $pid; local rc=$?
  if [ $rc = 0 ] && [ "$(strip_ts "$work/filt.log" | tr '\n' ' ')" = "vcan0 123#02 vcan0 123#05 " ]; then pass "only 123 passed the kernel filter"
  else fail "rc $rc: $(cat "$work/filt.log" "$work/filt.err" | head -5)"; fi
}
check "regolith can dump -f 123:7FF (kernel filter)" cli_filter

cli_error_frame() {
  timeout 60 "$bin" can dump vcan0 -c 1 > "$work/err.log" 2> "$work/err.err" & local pid=$!
  sleep 8
  cansend vcan0 20000240#00000000000080F8    # CAN_ERR_FLAG | BUSOFF | CNT, tx 0x80, rx 0xF8
  wait $pid; local rc=$?
  if [ $rc = 0 ] && grep -q 'vcan0 20000240#00000000000080F8' "$work/err.log" && grep -q '# error: bus-off, error counters (tx 128, rx 248)' "$work/err.log"; then pass "$(tr '\n' ' ' < "$work/err.log" | cut -c1-300)"
  else fail "rc $rc: $(cat "$work/err.log" "$work/err.err" | head -5)"; fi
}
check "injected error frame (cansend 20000240#...) decoded" cli_error_frame

# --- python-can: one python process, both directions -----------------------------------
python_can() {
  [ -x "$venv/bin/python" ] || { fail "no venv python at $venv"; return; }
  REGOLITH_BIN="$bin" timeout 180 "$venv/bin/python" - > "$work/py.log" 2>&1 <<'PY'
import os, subprocess, sys, time
import can
bin = os.environ["REGOLITH_BIN"]
ok = True
with can.Bus(interface="socketcan", channel="vcan1", fd=True) as bus:
    # regolith -> python-can
    rc = subprocess.run([bin, "can", "send", "socketcan:vcan1", "101#11", "1FFFFFFF#0102030405060708",
                         "202##1" + "EE" * 20 + "00" * 12], capture_output=True, text=True, timeout=120)
    got = []
    end = time.time() + 20
    while len(got) < 3 and time.time() < end:
        m = bus.recv(1.0)
        if m is not None: got.append(m)
    want = [(0x101, False, False, False, b"\x11"), (0x1FFFFFFF, True, False, False, bytes(range(1, 9))),
            (0x202, False, True, True, b"\xee" * 20 + b"\x00" * 12)]
    have = [(m.arbitration_id, m.is_extended_id, m.is_fd, m.bitrate_switch, bytes(m.data)) for m in got]
    if rc.returncode == 0 and have == want:
        print("PASS python-can received regolith's classic, extended and 32-byte FD+BRS frames exactly")
    else:
        print("FAIL python-can got", have, "rc", rc.returncode, rc.stderr[:300])
        ok = False
    # A 34-byte FD frame is not a CAN FD length: refused before anything is sent.
    bad = subprocess.run([bin, "can", "send", "socketcan:vcan1", "203##1" + "EE" * 34], capture_output=True, text=True, timeout=120)
    stray = bus.recv(2.0)
    if bad.returncode != 0 and "invalidFDLength(34)" in bad.stderr and stray is None:
        print("PASS a 34-byte FD frame was refused and nothing reached the bus:", bad.stderr.strip()[:100])
    else:
        print("FAIL 34-byte FD frame: rc", bad.returncode, bad.stderr[:200], "stray", stray)
        ok = False
    # python-can -> regolith
    dump = subprocess.Popen([bin, "can", "dump", "socketcan:vcan1", "-c", "3", "-t", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(8)
    bus.send(can.Message(arbitration_id=0x7A, data=[0xCA, 0xFE], is_extended_id=False))
    bus.send(can.Message(arbitration_id=0x123456, data=[1, 2, 3], is_extended_id=True))
    bus.send(can.Message(arbitration_id=0x55, data=bytes(range(64)), is_fd=True, bitrate_switch=True, is_extended_id=False))
    out, err = dump.communicate(timeout=60)
    lines = [l.split(" ", 1)[1] for l in out.splitlines() if l.startswith("(")]
    want = ["vcan1 07A#CAFE", "vcan1 00123456#010203", "vcan1 055##1" + bytes(range(64)).hex().upper()]
    if lines == want:
        print("PASS regolith can dump received python-can's classic, extended and FD frames")
    else:
        print("FAIL regolith dump saw", lines, err[:300])
        ok = False
sys.exit(0 if ok else 1)
PY
  local rc=$?
  while IFS= read -r line; do
    case "$line" in
      PASS*) pass "${line#PASS }";;
      FAIL*) fail "${line#FAIL }";;
    esac
  done < "$work/py.log"
  [ $rc = 0 ] || grep -q '^FAIL' "$work/py.log" || fail "python exited $rc: $(tail -3 "$work/py.log")"
}
name="python-can"; python_can

fi  # REGOLITH_SOCKETCAN_ONLY

# --- benchmark: frames/s through regolith can send/dump vs cangen/candump ----------------
# Both pairs on vcan0, N 8-byte frames as fast as the sender can; the rate is measured at the
# receiver from the kernel receive timestamps of its first and last frame.
bench() {
  local N=${REGOLITH_SOCKETCAN_BENCH_N:-20000}
  timeout 120 candump -L -n "$N" -T 10000 vcan0 > "$work/cd.log" 2>&1 & local pid=$!
  sleep 1
  cangen -g 0 -I 123 -L 8 -D i -n "$N" vcan0
  wait $pid
  local cu; cu=$(awk -v n="$N" 'NR==1{gsub(/[()]/,"",$1); a=$1} {gsub(/[()]/,"",$1); b=$1; c++} END{ if (b>a) printf "%d %.0f", c, (c-1)/(b-a); else print c, 0 }' "$work/cd.log")
  timeout 180 "$bin" can dump vcan0 --quiet -c "$N" -t 10 > "$work/rd.log" 2>&1 & pid=$!
  sleep 8
  "$bin" can send vcan0 123#1122334455667788 -c "$N" 2> "$work/rs.log"
  wait $pid
  local ours_n ours_rate
  ours_n=$(sed -n 's/^dump: \([0-9]*\) frames.*/\1/p' "$work/rd.log")
  ours_rate=$(sed -n 's/^dump: .*(\([0-9]*\) frames\/s).*/\1/p' "$work/rd.log")
  local cu_n=${cu% *} cu_rate=${cu#* }
  echo "socketcan bench: N=$N; cangen->candump: $cu_n received at $cu_rate frames/s; regolith send->dump: ${ours_n:-?} received at ${ours_rate:-?} frames/s ($(cat "$work/rs.log")); $(cat "$work/rd.log")" | tee -a "$results"
  if [ -n "$ours_rate" ] && [ "${cu_rate:-0}" -gt 0 ]; then
    local ratio; ratio=$(awk -v a="$ours_rate" -v b="$cu_rate" 'BEGIN{printf "%.2f", a/b}')
    echo "socketcan bench ratio (regolith / can-utils): $ratio" | tee -a "$results"
    pass "ours $ours_rate frames/s (${ours_n}/$N received) vs cangen/candump $cu_rate frames/s (${cu_n}/$N): ratio $ratio"
  else
    fail "no rate: $(cat "$work/rd.log" "$work/rs.log" | head -3)"
  fi
}
check "benchmark frames/s vs cangen/candump" bench

echo "socketcan: $passed passed, $failed failed"
[ $failed = 0 ]
