#!/bin/bash
# The three CAN backends against the real Linux slcan driver, inside the test VM: our SLCAN
# adapter emulator on a PTY, attached with slcand; libsocketcan (CANInterfaceControl) sets the
# bitrate and brings slcan0 up; our SocketCANLink exchanges frames with the emulator through
# the kernel; the emulator's status lines drive the kernel's controller state to
# error-passive and bus-off. The Swift suite is SLCANKernelVMTests. Ends with
# "slcan-kernel: N passed, N failed".
set -u
repo=${REGOLITH_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
bin=${REGOLITH_BIN:-$repo/.build/debug/regolith}
tests=$(dirname "$bin")/RegolithPackageTests.xctest
log=$repo/.build/vm/slcan-kernel-swift.log
mkdir -p "$(dirname "$log")"
passed=0; failed=0

modprobe slcan 2>/dev/null; modprobe can-raw 2>/dev/null
ip link del slcan0 2>/dev/null
if [ ! -x "$tests" ] || [ ! -x "$(dirname "$bin")/slcan-emulator" ]; then
    echo "FAIL  slcan-kernel — test bundle or slcan-emulator missing next to $bin (swift build --build-tests on the host)"
    echo "slcan-kernel: 0 passed, 1 failed"
    exit 1
fi
REGOLITH_IN_VM=1 timeout ${REGOLITH_SLCAN_TIMEOUT:-300} "$tests" --testing-library swift-testing --filter SLCANKernelVMTests > "$log" 2>&1
rc=$?
text=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
while IFS= read -r t; do echo "PASS  swift $t"; passed=$((passed + 1)); done < <(grep -oE '✔ Test [a-zA-Z]+\(\)' <<<"$text" | sed 's/✔ Test //')
while IFS= read -r t; do
    echo "FAIL  swift $t — $(grep -F "$t" <<<"$text" | grep -E 'Expectation|recorded|Caught' | head -5 | cut -c1-400)"
    failed=$((failed + 1))
done < <(grep -oE '✘ Test [a-zA-Z]+\(\)' <<<"$text" | sed 's/✘ Test //' | sort -u)
if grep -q 'skipped' <<<"$text"; then echo "FAIL  suite skipped (REGOLITH_IN_VM not seen?)"; failed=$((failed + 1)); fi
if [ $rc != 0 ] && [ $failed = 0 ]; then echo "FAIL  exit $rc: $(tail -5 <<<"$text")"; failed=$((failed + 1)); fi
[ $passed = 0 ] && [ $failed = 0 ] && { echo "FAIL  no test ran"; failed=1; }
echo "slcan-kernel: $passed passed, $failed failed"
[ $failed = 0 ]
