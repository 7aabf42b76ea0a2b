"""FlightHAL's SerialPort (termios backend) against pyserial over a real socat PTY pair.

socat links two PTYs; the Swift peer (`serial-peer-swift`, Tests/Support/SerialPeer) opens one
end with SerialPort at the baud under test, pyserial opens the other at the same baud. pyserial
sends a pattern covering every byte value; the Swift side answers each byte XOR 0x5A; both
directions are checked byte for byte.
"""
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import serial

from conftest import built_executable

ROOT = Path(__file__).resolve().parents[2]
BAUDS = [9600, 115200, 921600, 1000000]


@pytest.fixture(scope="session")
def serial_peer_bin() -> Path:
    return built_executable("serial-peer-swift")


@pytest.fixture()
def pty_pair(tmp_path):
    # make test installs socat; without it this is a failure, not a skip.
    assert shutil.which("socat") is not None, "socat is not installed: run `make test-deps`"
    a, b = tmp_path / "flight", tmp_path / "peer"
    proc = subprocess.Popen(["socat", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not (a.exists() and b.exists()):
        assert time.monotonic() < deadline, "socat made no PTY pair"
        time.sleep(0.05)
    yield a, b
    proc.kill()
    proc.wait()


@pytest.mark.parametrize("baud", BAUDS)
def test_exact_bytes_both_ways(serial_peer_bin, pty_pair, baud):
    flight, peer = pty_pair
    count = 4096
    pattern = bytes((i * 7 + baud) & 0xFF for i in range(count))
    with serial.Serial(str(peer), baudrate=baud, bytesize=8, parity="N", stopbits=1, timeout=10) as port:
        swift = subprocess.Popen([str(serial_peer_bin), str(flight), str(baud), str(count)],
                                 stdout=subprocess.PIPE, text=True)
        try:
            assert swift.stdout.readline().strip() == "open termios"
            port.write(pattern)
            port.flush()
            answer = port.read(count)
            assert len(answer) == count, f"got {len(answer)} of {count} bytes"
            assert answer == bytes(b ^ 0x5A for b in pattern)
            done = swift.stdout.readline().split()
            assert done == ["done", str(count), str(count), "0", "0"], done
            assert swift.wait(timeout=10) == 0
        finally:
            if swift.poll() is None:
                swift.kill()
                swift.wait()


def test_bad_baud_is_refused_with_a_reason(serial_peer_bin, pty_pair):
    flight, _ = pty_pair
    out = subprocess.run([str(serial_peer_bin), str(flight), "5000000", "1"], capture_output=True, text=True)
    assert out.returncode == 1
    assert "invalid configuration: baud 5000000 is not supported; use 1 to 4000000" in out.stdout
