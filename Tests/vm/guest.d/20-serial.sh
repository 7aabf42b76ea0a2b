#!/bin/bash
# Serial backend inside the test VM (run by Tests/vm/guest.sh after smoke.sh): libserialport
# opens, configures (115200 8N1) and reads a real 16550A UART, /dev/ttyS1, whose other end is
# Tests/vm/serial-peer.py on the host (QEMU isa-serial + socket chardev); and enumeration lists
# ttyS1 as a native port. Needs the host to have built the tests (swift build --build-tests).
# Ends with "serial: N passed, N failed"; exits non-zero on any failure.
set -u
repo=${REGOLITH_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
bin=${REGOLITH_BIN:-$repo/.build/debug/regolith}
tests=$(dirname "$bin")/RegolithPackageTests.xctest
passed=0; failed=0

pass() { echo "PASS  $name — $*"; passed=$((passed + 1)); }
fail() { echo "FAIL  $name — $*"; failed=$((failed + 1)); }

name="regolith ports lists ttyS1 as native"
if out=$("$bin" ports --json 2>&1); then
  if got=$(python3 -c 'import json,sys; p=[x for x in json.load(sys.stdin) if x["name"]=="/dev/ttyS1"]; print(p[0]["transport"] if p else "missing")' <<<"$out") \
     && [ "$got" = native ]; then
    pass "$("$bin" ports | grep ttyS1 | tr -s ' ')"
  else fail "ttyS1 transport '$got' in: $(tr -d '\n' <<<"$out" | head -c 300)"; fi
else fail "regolith ports --json failed: $out"; fi

name="libserialport on the 16550A (Swift SerialUARTTests)"
if [ "${REGOLITH_VM_SERIAL:-}" != 1 ]; then
  fail "REGOLITH_VM_SERIAL is not 1: no host peer on ttyS1 (run through make test-vm)"
elif [ ! -x "$tests" ]; then
  fail "no test binary at $tests (build with swift build --build-tests on the host)"
else
  out=$("$tests" --testing-library swift-testing --filter SerialUARTTests 2>&1); rc=$?
  out=$(sed 's/\x1b\[[0-9;]*m//g' <<<"$out")
  npass=$(grep -c '✔ Test .*passed' <<<"$out")
  if [ $rc = 0 ] && [ "$npass" -ge 2 ]; then
    pass "$(grep -E '✔ Test' <<<"$out" | tr -s ' ' | tr '\n' ';')"
  else
    fail "rc $rc, $npass passed: $(grep -E '✘|Issue|Expectation|error' <<<"$out" | head -8)"
  fi
fi

echo "serial: $passed passed, $failed failed"
[ $failed = 0 ]
