#!/bin/bash
# Smoke suite for the test VM: run INSIDE the VM (Tests/vm/vm-run --script Tests/vm/smoke.sh).
# Proves each thing the real-CAN / real-UART tests will rely on. Every check prints
# PASS or FAIL with a reason; the script exits non-zero if any check failed.
#
# Environment (vm-run passes REGOLITH_* through):
#   REGOLITH_BIN            host-built regolith binary (default <repo>/.build/debug/regolith)
#   REGOLITH_VM_SERIAL=1    a host peer (Tests/vm/serial-peer.py) sits on --serial-socket:
#                           check the 16550A UART on ttyS1 end to end; otherwise that check SKIPs
#   VENV                    the repo's venv (vm-run sets it)
set -u

repo=${REGOLITH_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
venv=${VENV:-$repo/.venv}
work=$(mktemp -d /tmp/smoke.XXXXXX)
passed=0; failed=0; skipped=0; failures=()

pass() { echo "PASS  $name — $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $name — $*"; failed=$((failed + 1)); failures+=("$name"); }
skip() { echo "SKIP  $name — $*"; skipped=$((skipped + 1)); }
check() {   # check NAME FUNCTION: the function calls pass, fail or skip exactly once
  name=$1; local n0=$((passed + failed + skipped)) t0=$EPOCHREALTIME
  "$2"
  [ $((passed + failed + skipped)) = "$n0" ] && fail "check reported nothing (bug in smoke.sh)"
  [ -n "${SMOKE_TIMES:-}" ] && awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "      (%.2f s)\n", b - a }'
}
hexdump1() { od -An -c "$1" | tr -s ' ' | head -c 300; }

echo "smoke: kernel $(uname -r) on $(hostname), $(nproc) CPU, repo $repo"

# --- kernel modules ------------------------------------------------------------------
load_module() {   # load_module NAME...: first name that modprobe knows wins
  local m out
  for m in "$@"; do
    if out=$(modprobe "$m" 2>&1); then
      if [ -d "/sys/module/${m//-/_}" ]; then pass "modprobe $m: /sys/module/${m//-/_} present"; else fail "modprobe $m returned 0 but /sys/module/${m//-/_} is missing"; fi
      return
    fi
  done
  fail "modprobe failed for: $* ($out)"
}
m_vcan()  { load_module vcan; }
m_raw()   { load_module can-raw can_raw; }
m_isotp() { load_module can-isotp can_isotp; }
m_slcan() { load_module slcan; }
m_gw()    {
  if modinfo can-gw >/dev/null 2>&1 || modinfo can_gw >/dev/null 2>&1; then load_module can-gw can_gw
  else skip "can-gw is not in this kernel ($(uname -r))"; fi
}
check "module vcan" m_vcan
check "module can-raw" m_raw
check "module can-isotp" m_isotp
check "module slcan" m_slcan
check "module can-gw" m_gw

# --- vcan interfaces -----------------------------------------------------------------
mk_vcan() {   # mk_vcan IF MTU
  local i=$1 mtu=$2 out
  out=$( { ip link add dev "$i" type vcan && ip link set "$i" mtu "$mtu" && ip link set "$i" up; } 2>&1 ) \
    || { fail "creating $i failed: $out"; return; }
  local got; got=$(cat "/sys/class/net/$i/mtu" 2>/dev/null)
  if [ "$got" = "$mtu" ] && ip link show "$i" | grep -q 'UP'; then pass "$i is up, mtu $got"
  else fail "$i: mtu '$got' (wanted $mtu) or not up: $(ip link show "$i" 2>&1 | head -1)"; fi
}
v0() { mk_vcan vcan0 16; }
v1() { mk_vcan vcan1 72; }
check "vcan0 classic (mtu 16)" v0
check "vcan1 CAN FD (mtu 72)" v1

# --- raw frames with can-utils ---------------------------------------------------------
# candump_one IF EXPECT_REGEX SEND_CMD...: start candump first, send, compare.
candump_one() {
  local i=$1 want=$2; shift 2
  local f=$work/candump.$i.$RANDOM
  timeout 10 candump -n 1 "$i" > "$f" 2>&1 & local pid=$!
  sleep 1
  local out; out=$("$@" 2>&1) || { kill $pid 2>/dev/null; wait $pid 2>/dev/null; fail "'$*' failed: $out"; return; }
  wait $pid; local rc=$?
  local got; got=$(tr -s ' ' < "$f")
  if [ $rc = 0 ] && grep -Eq "$want" <<<"$got"; then pass "candump saw: $got"
  else fail "candump rc $rc, wanted /$want/, got: '${got:-nothing}'"; fi
}
classic() { candump_one vcan0 'vcan0 123 \[4\] DE AD BE EF' cansend vcan0 123#DEADBEEF; }
fd() {
  candump_one vcan1 'vcan1 123 \[16\] 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF 00' \
    cansend vcan1 '123##1112233445566778899AABBCCDDEEFF00'
}
classic_bad() {   # the comparison itself must be able to fail: a frame we did not send is not seen
  local f=$work/neg; timeout 3 candump -n 1 vcan0 > "$f" 2>&1; local rc=$?
  if [ $rc = 124 ] && [ ! -s "$f" ]; then pass "no frame appears when none is sent (candump timed out, as it should)"
  else fail "candump rc $rc without any sender, got: $(cat "$f")"; fi
}
check "cansend/candump classic frame on vcan0" classic
check "cansend/candump CAN FD frame (16 bytes, BRS) on vcan1" fd
check "negative control: silent bus stays silent" classic_bad

# --- ISO-TP ---------------------------------------------------------------------------
isotp() {
  local payload; payload=$(for i in $(seq 0 99); do printf '%02X ' $(( (i * 7 + 3) & 255 )); done)
  payload=${payload% }
  timeout 20 candump -L vcan0 > "$work/isotp.dump" 2>&1 & local dpid=$!
  timeout 15 isotprecv -s 708 -d 700 vcan0 > "$work/isotp.rx" 2>&1 & local rpid=$!
  sleep 1
  local out; out=$(echo "$payload" | timeout 10 isotpsend -s 700 -d 708 vcan0 2>&1) \
    || { kill $rpid $dpid 2>/dev/null; fail "isotpsend failed: $out"; return; }
  wait $rpid; local rc=$?
  sleep 0.5; kill $dpid 2>/dev/null; wait $dpid 2>/dev/null
  local got; got=$(tr -s ' \n' ' ' < "$work/isotp.rx"); got=${got% }; got=${got# }
  local n700 n708
  n700=$(grep -c ' 700#' "$work/isotp.dump"); n708=$(grep -c ' 708#' "$work/isotp.dump")
  if [ $rc != 0 ]; then fail "isotprecv rc $rc, output: $(head -c 200 "$work/isotp.rx")"
  elif [ "${got^^}" != "$payload" ]; then fail "payload differs: sent ${#payload} chars, got '${got:0:80}...'"
  elif [ "$n700" != 15 ] || [ "$n708" -lt 1 ]; then fail "wanted 1 first + 14 consecutive frames on 0x700 and flow control on 0x708, saw $n700 and $n708"
  else pass "100 bytes round trip 0x700->0x708, on the wire: $n700 frames on 0x700 (FF+14 CF), $n708 flow control on 0x708"; fi
}
check "isotpsend/isotprecv 100-byte payload over vcan0" isotp

# --- can-gw routing ----------------------------------------------------------------------
gw() {
  if [ ! -d /sys/module/can_gw ]; then skip "can-gw not loaded"; return; fi
  local out; out=$( { ip link add dev vcan2 type vcan && ip link set vcan2 up && cangw -A -s vcan0 -d vcan2 -e; } 2>&1 ) \
    || { fail "setting up vcan2 + cangw rule failed: $out"; return; }
  candump_one vcan2 'vcan2 456 \[2\] 01 02' cansend vcan0 456#0102
  cangw -F >/dev/null 2>&1
}
check "can-gw routes vcan0 -> vcan2" gw

# --- SLCAN over a PTY pair --------------------------------------------------------------
slcan() {
  local a=$work/pty-slcan b=$work/pty-peer
  socat pty,raw,echo=0,link="$a" pty,raw,echo=0,link="$b" 2> "$work/socat.err" & local spid=$!
  local i; for i in $(seq 50); do [ -e "$a" ] && [ -e "$b" ] && break; sleep 0.1; done
  [ -e "$a" ] && [ -e "$b" ] || { fail "socat made no PTY pair: $(cat "$work/socat.err")"; kill $spid; return; }
  local pa; pa=$(readlink -f "$a")
  # the peer end: keep it open and record everything written to it
  exec 7<>"$b"
  cat <&7 > "$work/slcan.peer" & local cpid=$!
  local out; out=$(slcand -o -c -s6 "$pa" slcan0 2>&1) || { fail "slcand -o -c -s6 $pa slcan0 failed: $out"; kill $cpid $spid; exec 7>&-; return; }
  for i in $(seq 50); do ip link show slcan0 >/dev/null 2>&1 && break; sleep 0.1; done
  if ! ip link show slcan0 >/dev/null 2>&1; then fail "no slcan0 after slcand on $pa"; kill $cpid $spid; exec 7>&-; return; fi
  ip link set slcan0 up
  sleep 0.5
  # kernel -> serial: a frame sent on slcan0 must leave the slcan driver as an ASCII line
  cansend slcan0 5A1#1122
  # serial -> kernel: an ASCII frame written to the peer end must arrive on slcan0
  timeout 10 candump -n 1 slcan0 > "$work/slcan.rx" 2>&1 & local dpid=$!
  sleep 1
  printf 't12331A2B3C\r' >&7
  wait $dpid; local drc=$?
  sleep 0.5
  local peer; peer=$(od -An -c "$work/slcan.peer" | tr -d ' \n')
  local rx; rx=$(tr -s ' ' < "$work/slcan.rx")
  local sp; for sp in $(pgrep -x slcand); do kill "$sp"; done   # only this VM's own slcand
  kill $cpid 2>/dev/null; exec 7>&-; sleep 0.3; kill $spid 2>/dev/null; wait 2>/dev/null
  local why=""
  [[ $peer == *'S6\r'* ]] || why+=" no S6\\r on the PTY;"
  [[ $peer == *'O\r'* ]] || why+=" no O\\r on the PTY;"
  [[ $peer == *'t5A121122\r'* ]] || why+=" slcan0 frame 5A1#1122 did not appear as t5A121122\\r;"
  [ $drc = 0 ] && grep -q 'slcan0 123 \[3\] 1A 2B 3C' <<<"$rx" || why+=" t12331A2B3C\\r from the PTY not received on slcan0 (candump rc $drc: '$rx');"
  if [ -z "$why" ]; then pass "slcan0 on $pa; PTY saw '$peer'; PTY->slcan0 frame received: $rx"
  else fail "${why% ;} (PTY bytes: '$peer')"; fi
}
check "SLCAN: slcand on a socat PTY pair, both directions" slcan

# --- python-can from the host's venv ------------------------------------------------------
pycan() {
  [ -x "$venv/bin/python" ] || { fail "no $venv/bin/python visible in the VM"; return; }
  local out; out=$("$venv/bin/python" - <<'EOF' 2>&1
import subprocess, can
with can.Bus(interface="socketcan", channel="vcan0") as bus:
    subprocess.run(["cansend", "vcan0", "321#CAFE01"], check=True)
    msg = bus.recv(timeout=10)
    assert msg is not None, "no frame within 10 s"
    assert msg.arbitration_id == 0x321 and bytes(msg.data) == b"\xca\xfe\x01", f"wrong frame {msg}"
    print(f"python-can {can.__version__} received {msg.arbitration_id:#x} {bytes(msg.data).hex()}")
EOF
)
  local rc=$?
  if [ $rc = 0 ]; then pass "$out"; else fail "rc $rc: $(tail -3 <<<"$out")"; fi
}
check "python-can (venv) socketcan vcan0 receives a cansend frame" pycan

# --- the host-built Swift binary -----------------------------------------------------------
swiftbin() {
  local bin=${REGOLITH_BIN:-$repo/.build/debug/regolith}
  [ -x "$bin" ] || { fail "no host-built binary at $bin (run swift build --product regolith on the host)"; return; }
  local missing; missing=$(ldd "$bin" 2>&1 | grep 'not found')
  [ -z "$missing" ] || { fail "shared libraries missing in the VM: $missing"; return; }
  local out; out=$("$bin" --help 2>&1); local rc=$?
  if [ $rc = 0 ] && grep -q 'USAGE: regolith' <<<"$out"; then
    pass "$bin --help ran (Swift runtime from $(ldd "$bin" | awk '/libswiftCore/ {print $3}'))"
  else fail "rc $rc, output: $(head -3 <<<"$out")"; fi
}
check "host-built regolith runs in the VM" swiftbin

# --- 16550A UART wired to a host socket ----------------------------------------------------
uart() {
  if [ "${REGOLITH_VM_SERIAL:-}" != 1 ]; then skip "no --serial-socket peer (set REGOLITH_VM_SERIAL=1 with Tests/vm/serial-peer.py)"; return; fi
  local line; line=$(grep '^1:' /proc/tty/driver/serial)
  [[ $line == *uart:16550A* ]] || { fail "ttyS1 is not a 16550A: '$line'"; return; }
  dmesg | grep -Eq 'ttyS1 at I/O 0x2f8 .* is a 16550A' || { fail "dmesg has no 'ttyS1 ... is a 16550A' line"; return; }
  stty -F /dev/ttyS1 115200 raw -echo -echoe -echok -echoctl -echoke -ixon -crtscts clocal \
    || { fail "stty on /dev/ttyS1 failed"; return; }
  exec 8<>/dev/ttyS1
  local got="" i
  for i in $(seq 20); do   # the host peer answers GUEST-HELLO with HOST <nonce>
    printf 'GUEST-HELLO\n' >&8
    if IFS= read -r -t 2 got <&8 && [[ $got == HOST\ * ]]; then break; fi
    got=""
  done
  [ -n "$got" ] || { exec 8>&-; fail "no HOST line from the host peer after 20 hellos"; return; }
  printf 'ECHO %s\n' "${got#HOST }" >&8
  local ok=""; IFS= read -r -t 10 ok <&8
  exec 8>&-
  if [ "$ok" = "OK ${got#HOST }" ]; then pass "ttyS1 ($line) <-> host socket: got '${got}', host confirmed the echo"
  else fail "host peer did not confirm the echo, said: '$ok'"; fi
}
check "16550A UART ttyS1 <-> host socket, both directions" uart

rm -rf "$work"
echo "smoke: $passed passed, $failed failed, $skipped skipped"
if [ $failed -gt 0 ]; then echo "smoke: FAILED: ${failures[*]}"; exit 1; fi
exit 0
