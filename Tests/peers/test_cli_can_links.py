"""`regolith can dump|send` on the two link types that have no kernel behind them here:
an SLCAN adapter (Regolith's SLCAN emulator on a real PTY, as a CANable would appear) and the
cross-process simulated bus (`regolith simbus serve`). SocketCAN is covered inside the test
VM (Tests/vm/guest.d/30-socketcan.sh)."""
import subprocess
import time

import pytest

from test_slcan_python_can import Emulator, slcan_emulator_bin  # noqa: F401 (fixture)


def dump(regolith_bin, link, *args):
    return subprocess.Popen([str(regolith_bin), "can", "dump", link, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def frames_of(output: str) -> list:
    """The frame column of `candump -L`-style lines: '(ts) link 123#DEAD' -> '123#DEAD'."""
    return [line.split()[-1] for line in output.splitlines() if line.startswith("(")]


def test_slcan_send_reaches_the_adapter_and_dump_prints_its_frames(regolith_bin, slcan_emulator_bin):
    emulator = Emulator(slcan_emulator_bin)
    try:
        sent = subprocess.run([str(regolith_bin), "can", "send", f"slcan:{emulator.pty}@250k",
                               "5A1#1122", "12345678#0102"], capture_output=True, text=True, timeout=30)
        assert sent.returncode == 0, sent.stderr
        emulator.expect_rx("rx std 5A1 1122")
        emulator.expect_rx("rx ext 12345678 0102")

        # The dump opens the adapter itself (bitrate 1M), then prints what the bus sends,
        # filtered in software as the kernel would: 123 passes, 456 does not.
        proc = dump(regolith_bin, f"slcan:{emulator.pty}@1M", "--count", "2", "--timeout", "10",
                    "--filter", "123:7FF", "--filter", "789:7FF")
        deadline = time.monotonic() + 10
        while emulator.wait_status(open="1")["open"] != "1" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert emulator.status()["bitrate"] == "8"  # S8: 1 Mbit/s
        emulator.call("send std 456 FF")
        emulator.call("send std 123 1A2B3C")
        emulator.call("send std 789 -")
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert frames_of(out) == ["123#1A2B3C", "789#"]
    finally:
        emulator.close()


def test_slcan_bad_bitrate_is_refused_with_the_rates(regolith_bin):
    r = subprocess.run([str(regolith_bin), "can", "send", "slcan:/dev/ttyACM9@123k", "123#00"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert "slcan bitrate '123k' is not one of the adapter's rates" in r.stderr


def test_simbus_carries_frames_between_processes(regolith_bin, tmp_path):
    path = str(tmp_path / "regolith.bus")
    server = subprocess.Popen([str(regolith_bin), "simbus", "serve", path, "--seconds", "20"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == f"simbus: serving {path}"
        proc = dump(regolith_bin, f"simbus:{path}", "--count", "3", "--timeout", "10")
        time.sleep(1.0)  # let the dump connect before the frames go out
        sent = subprocess.run([str(regolith_bin), "can", "send", f"simbus:{path}",
                               "123#DEADBEEF", "12345678#01", "7FF#R"], capture_output=True, text=True, timeout=30)
        assert sent.returncode == 0, sent.stderr
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert frames_of(out) == ["123#DEADBEEF", "12345678#01", "7FF#R"]
    finally:
        server.kill()
        server.wait()


def test_simbus_without_a_server_says_how_to_start_one(regolith_bin, tmp_path):
    path = str(tmp_path / "none.bus")
    r = subprocess.run([str(regolith_bin), "can", "dump", f"simbus:{path}", "--count", "1"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0
    assert f"start one with `regolith simbus serve {path}`" in r.stderr
