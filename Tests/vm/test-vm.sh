#!/bin/bash
# `make test-vm`: boot the test VM once and run the smoke suite inside it, with the
# host-side UART peer on the extra serial port. Prints boot time and total time.
#   REGOLITH_BIN   the host-built regolith binary the VM must be able to run
set -u -o pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv=${VENV:-$repo/.venv}
tmp=$(mktemp -d /tmp/regolith-vm.XXXXXX)
sock=$tmp/ttyS1.sock
peer_pid=""
trap '[ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

t0=$EPOCHREALTIME
"$venv/bin/python" "$here/serial-peer.py" "$sock" 600 & peer_pid=$!
"$here/vm-run" --serial-socket "$sock" --env REGOLITH_VM_SERIAL=1 --env SMOKE_TIMES=1 --script "$here/guest.sh" </dev/null 2>&1 | tee "$tmp/log"
rc=${PIPESTATUS[0]}
if [ $rc = 124 ] || [ $rc = 125 ]; then kill "$peer_pid" 2>/dev/null; fi
wait "$peer_pid"; peer_rc=$?; peer_pid=""
total=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
boot=$(sed -n 's/^vm-run: guest booted in \([0-9.]*\) s.*/\1/p' "$tmp/log")
smoke=$(sed -n 's/^vm-run: command exited [0-9]* after \([0-9.]*\) s.*/\1/p' "$tmp/log")
echo "test-vm: boot ${boot:-?} s, smoke suite ${smoke:-?} s inside, total ${total} s (TCG, no KVM)"
[ $peer_rc = 0 ] || echo "test-vm: FAIL: host-side UART peer exited $peer_rc"
[ $rc = 0 ] && [ $peer_rc = 0 ] && { echo "test-vm: PASS"; exit 0; }
echo "test-vm: FAIL (vm-run rc $rc, UART peer rc $peer_rc)"
exit $(( rc ? rc : 1 ))
