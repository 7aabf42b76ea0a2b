"""Device emulators on a real PTY, answered by pyserial with an independent decoder.

`device-peer DEVICE pty` (Tests/Support/DevicePeer) runs one emulator of Simulator/Devices on a
pseudo-terminal with fixed measurements. This test opens the PTY with pyserial and decodes the
serial binding of docs/devices.md with its own code, not ours: frames split at 0x00, COBS
decoded, CRC-32C (Castagnoli, big-endian after the payload) checked, then the 2-byte id and the
fields unpacked as little-endian bit fields with the scaling docs/devices.md gives. Commands to
the engine and a wheel are encoded the same way, and garbage is sent to see it rejected and
counted (the peer prints its counters on "counts").
"""
import random
import subprocess
import time

import pytest
import serial

from conftest import built_executable


# --- an independent implementation of the serial binding --------------------------------
def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def cobs_encode(data: bytes) -> bytes:
    out, block = bytearray(), bytearray()
    for b in data:
        if b == 0:
            out += bytes([len(block) + 1]) + block
            block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:
                out += b"\xff" + block
                block = bytearray()
    return bytes(out + bytes([len(block) + 1]) + block)


def cobs_decode(data: bytes):
    out, i = bytearray(), 0
    while i < len(data):
        code = data[i]
        if code == 0 or i + code > len(data):
            return None
        out += data[i + 1:i + code]
        i += code
        if code != 0xFF and i < len(data):
            out.append(0)
    return bytes(out)


def frame(msg_id: int, payload: bytes) -> bytes:
    body = msg_id.to_bytes(2, "big") + payload
    return b"\x00" + cobs_encode(body + crc32c(body).to_bytes(4, "big")) + b"\x00"


def field(payload: bytes, start: int, length: int, signed=False, scale=1.0):
    raw = (int.from_bytes(payload, "little") >> start) & ((1 << length) - 1)
    if signed and raw & (1 << (length - 1)):
        raw -= 1 << length
    return raw * scale if scale != 1.0 else raw


def put(fields) -> int:
    """fields: (start, length, raw) triples -> the payload as an int."""
    v = 0
    for start, length, raw in fields:
        v |= (raw & ((1 << length) - 1)) << start
    return v


class Port:
    """The test's end of the PTY: reads frames, checks CRCs, keeps what it saw."""

    def __init__(self, path):
        self.port = serial.Serial(path, baudrate=115200, timeout=0.05)
        self.buffer = b""
        self.bad_crc = 0

    def frames(self, seconds):
        """Every intact (id, payload) that arrives within `seconds`."""
        got, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.buffer += self.port.read(4096)
            *whole, self.buffer = self.buffer.split(b"\x00")
            for chunk in whole:
                if not chunk:
                    continue
                body = cobs_decode(chunk)
                assert body is not None and len(body) >= 6, f"malformed frame {chunk.hex()}"
                if crc32c(body[:-4]) != int.from_bytes(body[-4:], "big"):
                    self.bad_crc += 1
                    continue
                got.append((int.from_bytes(body[:2], "big"), body[2:-4]))
        return got

    def write(self, data: bytes):
        self.port.write(data)
        self.port.flush()


@pytest.fixture(scope="session")
def device_peer_bin():
    return built_executable("device-peer")


@pytest.fixture()
def peer(device_peer_bin):
    procs = []

    def start(device):
        proc = subprocess.Popen([str(device_peer_bin), device, "pty"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True, bufsize=1)
        procs.append(proc)
        first = proc.stdout.readline().split()
        assert first[0] == "pty", first
        assert proc.stdout.readline().strip() == "ready"
        port = Port(first[1])
        port.port.reset_input_buffer()
        return proc, port

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def counts(proc) -> dict:
    proc.stdin.write("counts\n")
    proc.stdin.flush()
    words = proc.stdout.readline().split()
    assert words[0] == "counts", words
    return {k: int(v) for k, v in (w.split("=") for w in words[1:])}


def check_counters(frames, msg_id):
    """The rolling counter (last byte of these messages) goes up by one each time."""
    counters = [p[7] for i, p in frames if i == msg_id]
    assert len(counters) >= 5
    for a, b in zip(counters, counters[1:]):
        assert b == (a + 1) % 256, counters


# --- sensors --------------------------------------------------------------------------
def test_imu_samples_decode_with_paired_counters(peer):
    proc, port = peer("imu")
    frames = port.frames(1.0)
    assert port.bad_crc == 0
    ids = {i for i, _ in frames}
    assert ids == {0x030, 0x031}
    # ~100 samples a second, two messages each (not a timing test: just that it flows).
    assert len(frames) > 60
    for msg_id, p in frames:
        assert len(p) == 8
        assert field(p, 48, 1) == 1 and field(p, 49, 1) == 0  # valid, not saturated
        if msg_id == 0x030:
            xyz = [field(p, s, 16, True, 0.001) for s in (0, 16, 32)]
            assert xyz == pytest.approx([0.25, -0.5, 1.625], abs=5e-4)
        else:
            xyz = [field(p, s, 16, True, 0.0001) for s in (0, 16, 32)]
            assert xyz == pytest.approx([0.01, -0.02, 0.0035], abs=5e-5)
    check_counters(frames, 0x030)
    # An acceleration and a rate of one sample share their counter.
    pairs = list(zip(frames, frames[1:]))
    assert any(a[0] == 0x030 and b[0] == 0x031 and a[1][7] == b[1][7] for a, b in pairs)
    c = counts(proc)
    assert c["sendFailures"] == 0 and c["rejected"] == 0


def test_altimeter_beams_and_validity(peer):
    proc, port = peer("altimeter")
    frames = port.frames(0.6)
    beams = {}
    for msg_id, p in frames:
        assert 0x040 <= msg_id <= 0x043
        beams[msg_id - 0x040] = (field(p, 0, 20, False, 0.02), field(p, 20, 20, True, 0.002), field(p, 40, 1), field(p, 41, 1))
    assert sorted(beams) == [0, 1, 2, 3]
    for i in range(3):
        assert beams[i] == pytest.approx((1000 + 100 * i, -(10 + i), 1, 1), abs=0.01)
    assert beams[3][2:] == (0, 0)


def test_hazard_sensor_reports_no_return_apart_from_failure(peer):
    _, port = peer("hazard")
    msg_id, p = port.frames(0.5)[-1]
    assert msg_id == 0x121
    assert [field(p, s, 16, False, 0.001) for s in (0, 32)] == pytest.approx([2.5, 1.75])
    assert field(p, 48, 3) == 0b111 and field(p, 51, 3) == 0b010  # all valid; centre: no return


@pytest.mark.parametrize("device, msg_id, expect", [
    # legs 2 and 4 in contact, all four switches valid
    ("legs", 0x020, lambda p: field(p, 0, 4) == 0b1010 and field(p, 4, 4) == 0b1111),
    # 28 V, 3.5 A discharge, 87.5 %, no faults, all valid
    ("power", 0x300, lambda p: (field(p, 0, 16, False, 0.001), field(p, 16, 16, True, 0.001), field(p, 32, 8, False, 0.5))
        == pytest.approx((28, 3.5, 87.5)) and field(p, 40, 8) == 0 and field(p, 48, 3) == 0b111),
    # roll 0.125, pitch -0.25 rad, heading rate 0.01 rad/s, both valid
    ("rover-imu", 0x120, lambda p: [field(p, s, 16, True, 0.0001) for s in (0, 16, 32)]
        == pytest.approx([0.125, -0.25, 0.01]) and field(p, 48, 2) == 0b11),
])
def test_status_fields(peer, device, msg_id, expect):
    _, port = peer(device)
    frames = port.frames(1.2)
    assert frames and {i for i, _ in frames} == {msg_id}
    assert port.bad_crc == 0
    for _, p in frames:
        assert expect(p), p.hex()
    counters = [p[-1] for _, p in frames]
    assert all(b == (a + 1) % 256 for a, b in zip(counters, counters[1:])), counters


# --- command devices ----------------------------------------------------------------
def engine_cmd(throttle_pct, valve, arm, counter, shutdown=0, raw_throttle=None):
    raw = round(throttle_pct / 0.01) if raw_throttle is None else raw_throttle
    return frame(0x010, put([(0, 16, raw), (16, 2, valve), (18, 1, arm), (19, 1, shutdown), (24, 8, counter)]).to_bytes(4, "little"))


def engine_status(port, seconds=0.3):
    frames = [p for i, p in port.frames(seconds) if i == 0x011]
    assert frames, "no ENGINE_STATUS"
    p = frames[-1]
    return dict(thrust=field(p, 0, 16), pressure=field(p, 16, 16, False, 0.0001), valve=field(p, 32, 2),
                armed=field(p, 34, 1), shutdown=field(p, 35, 1), cmd_counter=field(p, 48, 8), counter=p[7])


def test_engine_status_follows_commands_and_garbage_is_counted(peer):
    proc, port = peer("engine")
    s = engine_status(port)
    assert (s["thrust"], s["valve"], s["armed"], s["cmd_counter"]) == (0, 0, 0, 0)

    port.write(engine_cmd(0, 0, 1, counter=1))  # arm, valve closed
    port.write(engine_cmd(60, 1, 1, counter=2))  # open the valve at 60 %
    s = engine_status(port)
    assert (s["valve"], s["armed"], s["cmd_counter"]) == (1, 1, 2)
    assert s["thrust"] == 4500 and s["pressure"] == pytest.approx(0.6, abs=1e-4)

    port.write(engine_cmd(10, 3, 1, counter=2))  # repeated counter: refused
    rng = random.Random(6)
    garbage = bytes(rng.randrange(1, 256) for _ in range(300)) + b"\x00"
    bad_crc = bytearray(engine_cmd(10, 3, 1, counter=9))
    bad_crc[5] ^= 0x20
    port.write(garbage + bytes(bad_crc))
    port.write(frame(0x555, b"\x01\x02\x03\x04"))  # unknown id
    port.write(frame(0x010, b"\x01\x02"))  # short
    port.write(engine_cmd(0, 3, 1, counter=10, raw_throttle=0xFFFF))  # throttle 655.35 %
    port.write(engine_cmd(40, 3, 1, counter=3))  # hold the valve, 40 %: still listening
    s = engine_status(port)
    assert (s["thrust"], s["valve"], s["cmd_counter"]) == (3000, 1, 3)

    port.write(engine_cmd(0, 0, 0, counter=4, shutdown=1))
    s = engine_status(port)
    assert (s["thrust"], s["valve"], s["armed"], s["shutdown"]) == (0, 0, 0, 1)

    c = counts(proc)
    assert c["accepted"] == 4 and c["repeatedCounter"] == 1 and c["notArmed"] == 0
    assert c["unknownID"] == 1 and c["wrongLength"] == 1 and c["outOfRange"] == 1
    assert c["crcMismatch"] >= 1  # the bad-CRC frame
    assert c["oversize"] + c["malformedEncoding"] + c["tooShort"] + c["crcMismatch"] >= 2  # and the garbage
    assert c["received"] == 5
    proc.stdin.write("quit\n")
    proc.stdin.flush()
    assert proc.stdout.readline().startswith("counts ")
    assert proc.wait(timeout=10) == 0


def test_wheel_speed_follows_its_command(peer):
    proc, port = peer("wheel2")
    cmd = lambda speed, counter: frame(0x102, put([(0, 16, round(speed / 0.001)), (16, 1, 1), (24, 8, counter)]).to_bytes(4, "little"))
    port.write(cmd(0.25, 1))
    statuses = [p for i, p in port.frames(0.4) if i == 0x112]
    p = statuses[-1]
    assert field(p, 0, 16, True, 0.001) == pytest.approx(0.25)
    assert field(p, 16, 11, False, 0.004) == pytest.approx(0.75, abs=0.004)
    assert field(p, 28, 1) == 1 and field(p, 31, 1) == 0  # enabled, no timeout
    ticks = [field(p, 32, 24, True) for p in statuses]
    assert ticks[-1] > ticks[0]  # the encoder turns
    # Commands stop: after the 0.5 s timeout the controller stops the wheel and says why.
    p = [p for i, p in port.frames(0.9) if i == 0x112][-1]
    assert field(p, 31, 1) == 1 and field(p, 28, 1) == 0 and field(p, 0, 16, True, 0.001) == 0
    c = counts(proc)
    assert c["accepted"] == 1 and c["timeouts"] == 1 and c["rejected"] == 0
