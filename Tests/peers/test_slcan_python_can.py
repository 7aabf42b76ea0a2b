"""python-can 4.6.1's `slcan` interface against Regolith's SLCAN adapter emulator.

The `slcan-emulator` test peer (Tests/Support/SLCANEmulator) puts SLCANAdapterEmulator on a
PTY and prints the slave's path; python-can opens that path through pyserial as it would a
CANable's /dev/ttyACM0. The emulator's CAN side is a simulated bus whose echo node prints
every frame it receives (`rx ...`) and answers it with id + 1 and the data reversed.
"""
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import can
import pytest

from conftest import built_executable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def slcan_emulator_bin() -> Path:
    return built_executable("slcan-emulator", "SLCAN_EMULATOR_BIN")


class Emulator:
    """One slcan-emulator process: its PTY path, its stdout lines, and its stdin commands."""

    def __init__(self, binary: Path):
        self.proc = subprocess.Popen([str(binary)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.lines: "queue.Queue[str]" = queue.Queue()
        self.rx_seen: list = []  # `rx` lines read while waiting for a command's answer
        threading.Thread(target=self._read, daemon=True).start()
        first = self.next_line(10)
        assert first.startswith("pty "), first
        self.pty = first.split(" ", 1)[1]

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout=5.0) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"slcan-emulator printed nothing within {timeout} s") from None

    def call(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        while True:
            line = self.next_line()
            if not line.startswith("rx "):
                return line
            self.rx_seen.append(line)

    def status(self) -> dict:
        line = self.call("status")
        assert line.startswith("status "), line
        return dict(word.split("=") for word in line.split()[1:])

    def wait_status(self, **expected) -> dict:
        """Polls `status` until it shows `expected` (python-can does not wait for answers, and
        the PTY's reader notices a newly opened slave within a few milliseconds)."""
        deadline = time.monotonic() + 5
        while True:
            status = self.status()
            if all(status[k] == v for k, v in expected.items()) or time.monotonic() > deadline:
                return status
            time.sleep(0.02)

    def expect_rx(self, expected: str, timeout=5.0):
        if self.rx_seen:
            assert self.rx_seen.pop(0) == expected
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.next_line(max(0.01, deadline - time.monotonic()))
            if line.startswith("rx "):
                assert line == expected
                return
        raise AssertionError(f"no {expected!r}")

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture()
def emulator(slcan_emulator_bin):
    e = Emulator(slcan_emulator_bin)
    yield e
    e.close()


def open_bus(emulator: Emulator, **kwargs) -> can.BusABC:
    return can.Bus(interface="slcan", channel=emulator.pty, sleep_after_open=0.2, **kwargs)


def recv_frame(bus: can.BusABC, timeout=5.0) -> can.Message:
    msg = bus.recv(timeout=timeout)
    assert msg is not None, f"no frame within {timeout} s"
    return msg


def test_frames_cross_both_ways_with_exact_ids_and_data(emulator):
    bus = open_bus(emulator, bitrate=500000)
    try:
        assert emulator.wait_status(open="1") == {"open": "1", "listen": "0", "bitrate": "6", "timestamps": "0", "state": "a"}

        # python-can -> emulator -> bus: standard, extended and remote frames.
        bus.send(can.Message(arbitration_id=0x123, is_extended_id=False, data=[0x01, 0x02, 0x03]))
        emulator.expect_rx("rx std 123 010203")
        echo = recv_frame(bus)
        assert (echo.arbitration_id, echo.is_extended_id, bytes(echo.data)) == (0x124, False, b"\x03\x02\x01")

        data = bytes([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01, 0x02, 0x03])
        bus.send(can.Message(arbitration_id=0x1ABCDEF0, is_extended_id=True, data=data))
        emulator.expect_rx("rx ext 1ABCDEF0 DEADBEEF00010203")
        echo = recv_frame(bus)
        assert (echo.arbitration_id, echo.is_extended_id, bytes(echo.data)) == (0x1ABCDEF1, True, data[::-1])

        bus.send(can.Message(arbitration_id=0x7FF, is_extended_id=False, is_remote_frame=True, dlc=4))
        emulator.expect_rx("rx std 7FF rtr 4")
        echo = recv_frame(bus)
        assert (echo.arbitration_id, echo.is_remote_frame, bytes(echo.data)) == (0x000, False, b"\x00\x01\x02\x03")

        bus.send(can.Message(arbitration_id=0x00000005, is_extended_id=True, data=[]))
        emulator.expect_rx("rx ext 5 -")
        echo = recv_frame(bus)
        assert (echo.arbitration_id, echo.is_extended_id, echo.dlc) == (0x6, True, 0)

        # bus -> emulator -> python-can: frames the simulator's node sends on its own.
        assert emulator.call("send ext 18FEF100 CAFE01") == "ok"
        msg = recv_frame(bus)
        assert (msg.arbitration_id, msg.is_extended_id, bytes(msg.data)) == (0x18FEF100, True, b"\xca\xfe\x01")
        assert emulator.call("send std 7E8 0102030405060708") == "ok"
        msg = recv_frame(bus)
        assert (msg.arbitration_id, msg.is_extended_id, bytes(msg.data)) == (0x7E8, False, bytes(range(1, 9)))
    finally:
        bus.shutdown()
    # python-can's shutdown sends 'C': the adapter is closed again.
    assert emulator.wait_status(open="0")["open"] == "0"


@pytest.mark.parametrize("bitrate,code", [(10000, "0"), (125000, "4"), (1000000, "8")])
def test_python_can_bitrates_reach_the_adapter(emulator, bitrate, code):
    bus = open_bus(emulator, bitrate=bitrate)
    try:
        status = emulator.wait_status(open="1")
        assert (status["open"], status["bitrate"]) == ("1", code)
    finally:
        bus.shutdown()


def test_listen_only_receives_and_refuses_to_transmit(emulator):
    bus = open_bus(emulator, bitrate=250000, listen_only=True)
    try:
        assert emulator.wait_status(open="1")["listen"] == "1"
        bus.send(can.Message(arbitration_id=0x321, is_extended_id=False, data=[1]))  # answered with BELL
        assert emulator.call("send std 321 AA") == "ok"
        msg = recv_frame(bus)
        assert (msg.arbitration_id, bytes(msg.data)) == (0x321, b"\xaa")
        # The refused frame never reached the bus: the echo node printed nothing for it.
        emulator.status()
        assert emulator.rx_seen == [] and all(not line.startswith("rx ") for line in list(emulator.lines.queue))
    finally:
        bus.shutdown()


def test_slcand_opens_the_emulator(emulator):
    """can-utils' slcand writes C, S4, F and O before it attaches the kernel's slcan line
    discipline. Without the slcan module (this host) that ioctl fails after the commands went
    out; with it (the test VM) slcand stays in the foreground until it is stopped. `make test`
    installs can-utils: a missing slcand is a failure, not a skip."""
    assert shutil.which("slcand"), "slcand not found: install can-utils (make test-deps does)"
    proc = subprocess.Popen(["slcand", "-F", "-o", "-c", "-f", "-s4", emulator.pty, "slcan9"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status = emulator.wait_status(open="1")
        assert (status["open"], status["bitrate"], status["listen"]) == ("1", "4", "0")
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=10)
