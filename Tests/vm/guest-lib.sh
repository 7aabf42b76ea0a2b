# Sourced by the guest.d scripts (Tests/vm/guest.sh runs them inside the test VM): the
# PASS/FAIL bookkeeping every suite shares, and vcan0 brought up the same way for each.
# Each script sets `name` before a check and calls pass or fail with the detail.
passed=0; failed=0
pass() { echo "PASS  $name — $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $name — $*"; failed=$((failed + 1)); }

# Loads can-raw and vcan and brings vcan0 up at classic CAN's MTU (16), as one check.
vcan0_up() {
  name="vcan0 up"
  local out
  out=$( { modprobe can-raw && modprobe vcan; } 2>&1 ) || fail "modprobe: $out"
  if ! ip link show vcan0 >/dev/null 2>&1; then
    out=$( { ip link add vcan0 type vcan && ip link set vcan0 mtu 16 && ip link set vcan0 up; } 2>&1 ) || fail "vcan0: $out"
  fi
  ip link show vcan0 2>/dev/null | grep -q 'UP' && pass "mtu $(cat /sys/class/net/vcan0/mtu)" || fail "vcan0 is not up"
}
