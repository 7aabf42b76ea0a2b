#!/usr/bin/env python3
"""Host-side peer for the VM's 16550A UART (vm-run --serial-socket PATH).

Connects to QEMU's unix socket (retrying until QEMU has created it), waits for the
guest's "GUEST-HELLO" line on ttyS1, answers "HOST <nonce>", expects "ECHO <nonce>"
back and confirms with "OK <nonce>" (smoke.sh's UART check).

After that it stays connected for the serial backend's check (guest.d/20-serial.sh): a line
"XOR <n>" followed by n raw bytes is answered with the same line and the n bytes each XOR
0x5A; "SERIAL-DONE" ends that check. It exits when QEMU closes the socket.

Exit 0 when the smoke round trip worked (and every XOR request was complete), 1 on a wrong
answer, 2 on timeout or when QEMU went away before the smoke round trip. Used by
Tests/vm/test-vm.sh.
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
    buf, sent, echoed, xors, partial, serial_done = b"", False, False, 0, False, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            if echoed and serial_done and not partial:
                # Every serial check is over; the guest is still running its other suites,
                # which can take longer than the deadline on a loaded machine. Not a failure.
                print(f"serial-peer: done ({xors} XOR request(s) served; guest still running)", file=sys.stderr)
                return 0
            print(f"serial-peer: FAIL: timed out (got {buf[:200]!r})", file=sys.stderr); return 2
        sock.settimeout(left)
        try:
            data = sock.recv(4096)
        except socket.timeout:
            continue
        if not data:
            if not echoed:
                print("serial-peer: FAIL: QEMU closed the socket before the round trip", file=sys.stderr); return 2
            if partial:
                print(f"serial-peer: FAIL: an XOR request was cut short ({buf[:80]!r})", file=sys.stderr); return 1
            print(f"serial-peer: done ({xors} XOR request(s) served)", file=sys.stderr)
            return 0
        buf += data
        while b"\n" in buf:
            line_bytes, rest = buf.split(b"\n", 1)
            line = line_bytes.rstrip(b"\r").decode(errors="replace")
            if line.startswith("XOR ") and line[4:].isdigit():
                n = int(line[4:])
                if len(rest) < n:
                    partial = True
                    break          # wait for the rest of the payload
                payload, buf = rest[:n], rest[n:]
                partial = False
                sock.sendall(f"XOR {n}\n".encode() + bytes(b ^ 0x5A for b in payload))
                xors += 1
                print(f"serial-peer: answered XOR {n}", file=sys.stderr)
                continue
            buf = rest
            if line == "GUEST-HELLO" and not sent:
                sock.sendall(f"HOST {nonce}\n".encode()); sent = True
            elif line.startswith("ECHO ") and not echoed:
                if line == f"ECHO {nonce}":
                    sock.sendall(f"OK {nonce}\n".encode())
                    print(f"serial-peer: PASS: guest ttyS1 echoed nonce {nonce} through {path}", file=sys.stderr)
                    echoed = True
                    continue
                sock.sendall(b"BAD\n")
                print(f"serial-peer: FAIL: wrong echo {line!r}, wanted 'ECHO {nonce}'", file=sys.stderr); return 1
            elif line == "SERIAL-DONE":
                serial_done = True
                print("serial-peer: serial backend check finished", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
