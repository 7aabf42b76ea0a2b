"""`regolith sim` on a board of PTY devices, answered by pyserial with an independent decoder.

The simulator runs as its own process (`regolith sim --board <temp board>`): every lander
device is a pseudo-terminal linked at the board's path. The test opens them with pyserial and
decodes the serial binding of docs/devices.md with its own code (COBS, CRC-32C, little-endian
bit fields; test_device_serial.py's decoder), and checks physically sensible values: no
specific force with the engine off in free flight, consecutive sample counters at 100 samples
per simulated second, and, after arm and fire commands sent over the engine's PTY, the
engine's thrust and the IMU's specific force rising. Garbage to a device is counted, never
fatal; SIGINT stops the run cleanly and removes the PTY links.
"""
import math
import re
import signal
import subprocess
import time

import pytest
import serial

from test_device_serial import cobs_decode, crc32c, field, frame, put

LANDER = ["imu", "altimeter", "engine", "attitude", "legs", "power"]


class Port:
    """One device's PTY as the flight side opens it."""

    def __init__(self, path):
        self.port = serial.Serial(str(path), baudrate=921600, timeout=0.05)
        self.buffer = b""
        self.bad_crc = 0

    def frames(self, seconds):
        got, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.buffer += self.port.read(4096)
            *whole, self.buffer = self.buffer.split(b"\x00")
            for chunk in whole:
                body = cobs_decode(chunk) if chunk else None
                if body is None or len(body) < 6:
                    continue  # the tail of a frame cut off when the port was opened
                if crc32c(body[:-4]) != int.from_bytes(body[-4:], "big"):
                    self.bad_crc += 1
                    continue
                got.append((int.from_bytes(body[:2], "big"), body[2:-4]))
        return got

    def fresh(self):
        """Forget what queued before now (a late reader's backlog)."""
        time.sleep(0.2)
        self.port.reset_input_buffer()
        self.buffer = b""

    def write(self, data):
        self.port.write(data)
        self.port.flush()


@pytest.fixture()
def sim(regolith_bin, tmp_path):
    """Starts `regolith sim` on a board with every lander device on a PTY under tmp_path."""
    board = tmp_path / "board.yaml"
    lines = ["board: pty-test", "summary: every lander device on a PTY", "simulator: process", "devices:"]
    lines += [f"  {d}: {{pty: {tmp_path / d}, baud: 921600}}" for d in LANDER]
    lines.append("ground: none")
    board.write_text("\n".join(lines) + "\n")
    proc = subprocess.Popen([str(regolith_bin), "sim", "--board", str(board), "--seed", "3", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    header = []
    while True:
        line = proc.stdout.readline()
        assert line, f"regolith sim exited: {proc.stderr.read()}"
        header.append(line)
        if line.strip() == "sim: ready":
            break
    yield proc, tmp_path
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def stop(proc):
    """SIGINT, then the summary lines; the exit must be clean."""
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return out


def accelerations(frames):
    """(counter, valid, |specific force|) of each IMU_ACCEL."""
    out = []
    for msg_id, p in frames:
        if msg_id == 0x030:
            f = [field(p, s, 16, True, 0.001) for s in (0, 16, 32)]
            out.append((p[7], field(p, 48, 1), math.sqrt(sum(x * x for x in f))))
    return out


def test_imu_in_free_flight(sim):
    proc, d = sim
    imu = Port(d / "imu")
    imu.fresh()
    got = accelerations(imu.frames(1.5))
    assert imu.bad_crc == 0
    assert len(got) > 50
    # Engine off, falling freely: an accelerometer reads ~0 (noise and bias only).
    assert all(valid == 1 and f < 0.05 for _, valid, f in got), got[:5]
    counters = [c for c, _, _ in got]
    assert all(b == (a + 1) % 256 for a, b in zip(counters, counters[1:])), counters
    # The altimeter's beam 0 looks down from ~15 km.
    alt = Port(d / "altimeter")
    alt.fresh()
    beams = [(field(p, 0, 20, False, 0.02), field(p, 40, 1)) for i, p in alt.frames(0.5) if i == 0x040]
    assert beams and all(valid == 1 and 14_000 < r < 15_100 for r, valid in beams), beams
    out = stop(proc)
    # 100 IMU samples per simulated second (the summary's own count over its simulated time).
    simulated = float(re.search(r"after ([0-9.]+) s simulated", out).group(1))
    published = int(re.search(r"sim: imu: (\d+) published", out).group(1))
    assert abs(published - 100 * simulated) <= 1, out


def engine_command(throttle, valve, arm, counter):
    payload = put([(0, 16, round(throttle / 0.01)), (16, 2, valve), (18, 1, arm), (24, 8, counter)])
    return frame(0x010, payload.to_bytes(4, "little"))


def test_arm_and_fire_over_the_engine_pty(sim):
    proc, d = sim
    engine, imu = Port(d / "engine"), Port(d / "imu")
    engine.fresh()
    engine.write(engine_command(0, 0, 1, 1))  # arm, valve closed
    time.sleep(0.1)
    engine.write(engine_command(100, 1, 1, 2))  # open at full throttle, still armed
    time.sleep(1.5)  # the engine's 0.2 s lag, several times over
    engine.fresh()
    status = [p for i, p in engine.frames(0.5) if i == 0x011]
    assert status, "no ENGINE_STATUS"
    last = status[-1]
    assert field(last, 34, 1) == 1 and field(last, 32, 2) == 1  # armed, valve open
    assert field(last, 0, 16) > 7_000  # thrust, N (7,500 N rated)
    assert field(last, 48, 8) == 2  # the last accepted command's counter
    imu.fresh()
    got = accelerations(imu.frames(0.5))
    # 7.5 kN on a little under 2.9 t (propellant is going): ~2.6 m/s^2 of specific force.
    assert got and all(2.5 < f < 2.8 for _, _, f in got), got[:5]
    out = stop(proc)
    assert "sim: engine: 2 commands accepted, 0 refused" in out, out


def test_garbage_is_counted_and_sigint_removes_the_links(sim):
    proc, d = sim
    engine = Port(d / "engine")
    engine.write(bytes(range(1, 256)) * 8 + b"\x00\x05\x01\x02\x03\x04\x00")
    engine.write(frame(0x010, b"\x01"))  # right id, too short
    time.sleep(0.5)
    assert proc.poll() is None, "regolith sim died on garbage"
    out = stop(proc)
    rejected = int(re.search(r"sim: engine: \d+ published.*?(\d+) rejected", out).group(1))
    assert rejected >= 2, out
    for device in LANDER:
        assert not (d / device).exists(), f"{device}'s PTY link was left behind"


ROVER = ["wheels", "rover-imu", "hazard", "power"]


@pytest.fixture()
def rover_sim(regolith_bin, tmp_path):
    """`regolith sim --mission rover` with the six wheel controllers sharing one PTY."""
    board = tmp_path / "board.yaml"
    lines = ["board: pty-rover", "simulator: process", "devices:"]
    lines += [f"  {d}: {{pty: {tmp_path / d}, baud: 460800}}" for d in ROVER]
    board.write_text("\n".join(lines) + "\n")
    proc = subprocess.Popen([str(regolith_bin), "sim", "--board", str(board), "--mission", "rover", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while True:
        line = proc.stdout.readline()
        assert line, f"regolith sim exited: {proc.stderr.read()}"
        if line.strip() == "sim: ready":
            break
    yield proc, tmp_path
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def wheel_command(wheel, speed, counter):
    payload = put([(0, 16, round(speed / 0.001)), (16, 1, 1), (24, 8, counter)])
    return frame(0x100 + wheel, payload.to_bytes(4, "little"))


def test_six_wheels_on_one_pty(rover_sim):
    proc, d = rover_sim
    wheels = Port(d / "wheels")
    wheels.fresh()
    status = []
    for i in range(20):  # 2 s of commands at 10 Hz, inside the controllers' 0.5 s timeout
        wheels.write(b"".join(wheel_command(w, 0.3, i + 1) for w in range(6)))
        got = wheels.frames(0.1)
        if i >= 10:
            status += [(msg_id - 0x110, p) for msg_id, p in got if 0x110 <= msg_id <= 0x115]
    assert wheels.bad_crc == 0
    assert {w for w, _ in status} == set(range(6)), status[:6]
    for w, p in status:
        assert field(p, 0, 16, True, 0.001) == pytest.approx(0.3, abs=0.01)  # speed, rad/s
        assert field(p, 27, 1) == 1 and field(p, 28, 1) == 1 and field(p, 31, 1) == 0  # valid, enabled, no timeout
    out = stop(proc)
    assert re.search(r"sim: wheels: 120 commands accepted, 0 refused", out), out
    distance = float(re.search(r"sim: truth: distance ([0-9.]+) m", out).group(1))
    assert distance > 0.02, out
    for device in ROVER:
        assert not (d / device).exists()


def test_engine_on_the_cross_process_bus(regolith_bin, tmp_path):
    """The engine on the simulated bus `regolith sim` serves: `regolith can send` and `can dump`
    are the flight side, in other processes, as on Boards/sim-pty.yaml."""
    sock = tmp_path / "can.sock"
    board = tmp_path / "board.yaml"
    board.write_text("board: simbus-test\nsimulator: process\ndevices:\n"
                     f"  imu: {{pty: {tmp_path / 'imu'}, baud: 921600}}\n"
                     f"  engine: {{simbus: {sock}}}\n  legs: {{simbus: {sock}}}\n")
    proc = subprocess.Popen([str(regolith_bin), "sim", "--board", str(board), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while (line := proc.stdout.readline()).strip() != "sim: ready":
            assert line, f"regolith sim exited: {proc.stderr.read()}"
        # Arm (counter 1), then open at 100 % (10,000 x 0.01 = 0x2710), still armed (counter 2).
        subprocess.run([str(regolith_bin), "can", "send", f"simbus:{sock}", "010#00000401", "010#10270502"],
                       check=True, capture_output=True, timeout=30)
        time.sleep(1.5)
        dump = subprocess.run([str(regolith_bin), "can", "dump", f"simbus:{sock}", "--filter", "011:7FF", "--count", "3"],
                              check=True, capture_output=True, text=True, timeout=30).stdout
        frames = [l.split()[-1].split("#")[1] for l in dump.splitlines() if "#" in l and not l.startswith("#")]
        assert len(frames) == 3, dump
        p = bytes.fromhex(frames[-1])
        assert field(p, 0, 16) > 7_000 and field(p, 34, 1) == 1 and field(p, 32, 2) == 1, dump
        assert field(p, 48, 8) == 2
    finally:
        out = stop(proc)
    assert "sim: engine: 2 commands accepted, 0 refused" in out, out
    assert not sock.exists() and not (tmp_path / "imu").exists()
