#!/bin/bash
# Runs inside the test VM (one boot for everything): the smoke suite, then each
# Tests/vm/guest.d/*.sh in name order. Each guest script proves one part of Regolith against
# the real kernel (SocketCAN, can-isotp, slcan, a 16550A UART) and ends with its own
# "<name>: N passed, N failed" line; this script fails if any of them fails.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rc=0
bash "$here/smoke.sh" || rc=1
for script in "$here"/guest.d/*.sh; do
    [ -e "$script" ] || continue
    name=$(basename "$script" .sh)
    echo "== guest: $name"
    if ! bash "$script"; then
        echo "guest: $name FAILED"
        rc=1
    fi
done
exit $rc
