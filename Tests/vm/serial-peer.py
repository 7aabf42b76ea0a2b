#!/usr/bin/env python3
"""Host-side peer for the VM's 16550A UART (vm-run --serial-socket PATH).

Connects to QEMU's unix socket (retrying until QEMU has created it), waits for the
guest's "GUEST-HELLO" line on ttyS1, answers "HOST <nonce>", expects "ECHO <nonce>"
back and confirms with "OK <nonce>". Exit 0 when the round trip worked, 1 on a wrong
answer, 2 on timeout. Used by Tests/vm/test-vm.sh together with smoke.sh's UART check.
"""
import os, secrets, socket, sys, time

def main():
    path = sys.argv[1]
    deadline = time.monotonic() + float(sys.argv[2] if len(sys.argv) > 2 else 600)
    sock = None
    while sock is None:
        if time.monotonic() > deadline:
            print(f"serial-peer: FAIL: could not connect to {path}", file=sys.stderr); return 2
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            sock = s
        except OSError:
            s.close(); time.sleep(0.2)
    nonce = secrets.token_hex(8)
    buf, sent = b"", False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            print(f"serial-peer: FAIL: timed out (got {buf[:200]!r})", file=sys.stderr); return 2
        sock.settimeout(left)
        try:
            data = sock.recv(4096)
        except socket.timeout:
            continue
        if not data:
            print("serial-peer: FAIL: QEMU closed the socket before the round trip", file=sys.stderr); return 2
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.rstrip(b"\r").decode(errors="replace")
            if line == "GUEST-HELLO" and not sent:
                sock.sendall(f"HOST {nonce}\n".encode()); sent = True
            elif line.startswith("ECHO "):
                if line == f"ECHO {nonce}":
                    sock.sendall(f"OK {nonce}\n".encode())
                    print(f"serial-peer: PASS: guest ttyS1 echoed nonce {nonce} through {path}", file=sys.stderr)
                    time.sleep(0.5)
                    return 0
                sock.sendall(b"BAD\n")
                print(f"serial-peer: FAIL: wrong echo {line!r}, wanted 'ECHO {nonce}'", file=sys.stderr); return 1

if __name__ == "__main__":
    sys.exit(main())
