"""Helpers for the ground-link peer tests: free ports, process groups that are always killed,
and the ground link's framing written independently in Python (struct, binascii, hmac)."""
import binascii
import contextlib
import hashlib
import hmac
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

SCID = 0x44
VCID = 1
TM_FRAME_SIZE = 1024


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProcessGroup:
    """Processes started in their own sessions, SIGKILLed (whole group) on close."""

    def __init__(self):
        self.procs = []

    def start(self, args, **kw):
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        p = subprocess.Popen([str(a) for a in args], start_new_session=True, text=True, **kw)
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (binascii's crc_hqx with 0xFFFF)."""
    return binascii.crc_hqx(data, 0xFFFF)


def space_packet(apid: int, data: bytes, telecommand: bool, secondary: bool = False, seq: int = 0) -> bytes:
    w1 = (1 << 12 if telecommand else 0) | (1 << 11 if secondary else 0) | apid
    return struct.pack(">HHH", w1, 0xC000 | seq, len(data) - 1) + data


def tc_frame(data_field: bytes, scid: int = SCID, vcid: int = VCID) -> bytes:
    length = 5 + len(data_field) + 2
    head = struct.pack(">HHB", (1 << 13) | scid, (vcid << 10) | (length - 1), 0) + data_field
    return head + struct.pack(">H", crc16(head))


def fprime_command(opcode: int, args: bytes = b"") -> bytes:
    return struct.pack(">HI", 0, opcode) + args


def signed_field(command: bytes, counter: int, key: bytes) -> bytes:
    """Regolith's signed-command layout: version 1, counter U64, command, HMAC-SHA-256."""
    signed = struct.pack(">BQ", 1, counter) + command
    return signed + hmac.new(key, signed, hashlib.sha256).digest()


def command_frame(opcode: int, args: bytes = b"", key: bytes = None, counter: int = 0) -> bytes:
    cmd = fprime_command(opcode, args)
    if key is None:
        return tc_frame(space_packet(0, cmd, telecommand=True))
    return tc_frame(space_packet(0, signed_field(cmd, counter, key), telecommand=True, secondary=True))


class TMReader:
    """Reads TM frames from a socket and yields F Prime packets (descriptor, id, body)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.pending = b""

    def packets(self, timeout: float):
        deadline = time.monotonic() + timeout
        out = []
        previous = self.sock.gettimeout()
        self.sock.settimeout(0.05)
        try:
            return self._read(deadline, out)
        finally:
            self.sock.settimeout(previous)  # sends on this socket keep their own timeout

    def _read(self, deadline, out):
        while time.monotonic() < deadline:
            try:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                self.buf += chunk
            except socket.timeout:
                pass
            while len(self.buf) >= TM_FRAME_SIZE:
                frame, self.buf = self.buf[:TM_FRAME_SIZE], self.buf[TM_FRAME_SIZE:]
                assert crc16(frame[:-2]) == struct.unpack(">H", frame[-2:])[0], "TM frame CRC"
                self.pending += frame[6:-2]
                while len(self.pending) >= 6:
                    w1, _, ln = struct.unpack(">HHH", self.pending[:6])
                    total = 6 + ln + 1
                    if len(self.pending) < total:
                        break
                    pkt, self.pending = self.pending[:total], self.pending[total:]
                    if (w1 & 0x7FF) == 0x7FF:
                        continue
                    desc, item = struct.unpack(">HI", pkt[6:12])
                    out.append((desc, item, pkt[12:]))
            if out:
                return out
        return out


def telemetry_packet(channel: int, seconds: int, micros: int, value: bytes, seq: int = 0) -> bytes:
    """An F Prime telemetry packet (time base 2, context 0) in a Space Packet (APID 1)."""
    body = struct.pack(">HI", 1, channel) + struct.pack(">HBII", 2, 0, seconds, micros) + value
    return space_packet(1, body, telecommand=False, seq=seq & 0x3FFF)


def tm_frames(packets, counter_start: int = 0):
    """Whole packets per TM frame, the rest idle fill; first header pointer 0."""
    frames = []
    field = TM_FRAME_SIZE - 8
    cur = b""
    count = counter_start

    def close(data):
        nonlocal count
        idle_len = field - len(data)
        if idle_len:
            assert idle_len >= 7
            data += struct.pack(">HHH", 0x07FF, 0xC000, idle_len - 7) + b"\x55" * (idle_len - 6)
        head = struct.pack(">HBBH", (SCID << 4) | (VCID << 1), count & 0xFF, count & 0xFF, 0x1800)
        frame = head + data
        frames.append(frame + struct.pack(">H", crc16(frame)))
        count += 1

    for p in packets:
        if len(cur) + len(p) > field - 7:
            close(cur)
            cur = b""
        cur += p
    if cur:
        close(cur)
    return frames, count


def fprime_gds_command() -> list:
    exe = Path(sys.executable).parent / "fprime-gds"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "fprime_gds.executables.run_deployment"]


@contextlib.contextmanager
def fprime_gds_session(regolith_bin, work, topology, fsw, data_link, ready, ready_timeout=60):
    """fprime-gds, headless (`-g none -n`), with the dictionary `regolith dict export --format
    fprime` writes for `topology` (extra arguments, e.g. ["--topology", "lander"]), and the
    flight software (`regolith` with the arguments `fsw`, plus `--ground tcp:...` to fprime-gds's
    `ip` adapter and `data_link`) connected to it. Yields fprime-gds's IntegrationTestAPI once
    it decodes the channel `ready` from the flight software. Every process is SIGKILLed (whole
    process group) at the end, and `work` removed."""
    from fprime_gds.common.testing_fw.api import IntegrationTestAPI
    from fprime_gds.executables.cli import ConfigDrivenParser, StandardPipelineParser

    dictionary = work / "RegolithTopologyDictionary.json"
    subprocess.run([str(regolith_bin), "dict", "export", "--format", "fprime", "--output", str(dictionary),
                    *topology, *data_link], check=True, capture_output=True, text=True)
    ip_port, tts_port = free_port(), free_port()
    while tts_port == ip_port:
        tts_port = free_port()
    logs = work / "logs"
    logs.mkdir()
    # Our own ZeroMQ endpoints (the default is one per user in /tmp, shared by every run).
    zmq = ["--zmq-transport", f"ipc://{work}/gds-in", f"ipc://{work}/gds-out"]
    group = ProcessGroup()
    api = pipeline = None
    try:
        gds_proc = group.start(
            fprime_gds_command() + [
                "-g", "none", "-n", "--dictionary", dictionary,
                "--framing-selection", "space-packet-space-data-link",
                "--ip-address", "127.0.0.1", "--ip-port", ip_port,
                "--tts-addr", "127.0.0.1", "--tts-port", tts_port, "--logs", logs] + zmq,
            cwd=work)
        flight = group.start([regolith_bin, *fsw, "--ground", f"tcp:127.0.0.1:{ip_port}", *data_link], cwd=work)
        # fprime-gds starts its middleware, then its comm adapter (about 6 s in all).
        deadline = time.monotonic() + 60
        pipeline_parser = StandardPipelineParser()
        while True:
            assert gds_proc.poll() is None, f"fprime-gds exited: {gds_proc.stderr.read()}"
            assert flight.poll() is None, f"regolith {fsw[0]} exited: {flight.stdout.read()} {flight.stderr.read()}"
            try:
                args, _, _ = ConfigDrivenParser.parse_known_args(
                    [StandardPipelineParser],
                    arguments=["--dictionary", str(dictionary), "--tts-addr", "127.0.0.1",
                               "--tts-port", str(tts_port), "--logs", str(work / "api-logs")] + zmq,
                    client=True)
                pipeline = pipeline_parser.pipeline_factory(args, None)
                break
            except Exception:
                assert time.monotonic() < deadline, "could not connect to fprime-gds's middleware"
                time.sleep(0.5)
        api = IntegrationTestAPI(pipeline, None, str(work / "api-logs"))
        api.setup()
        # The link is up once fprime-gds decodes telemetry from the flight software.
        api.assert_telemetry(ready, timeout=ready_timeout)
        api.flight_process = flight
        yield api
    finally:
        if api is not None:
            try:
                api.teardown()
            except Exception:
                pass
        if pipeline is not None:
            try:
                pipeline.disconnect()
            except Exception:
                pass
        group.close()
        shutil.rmtree(work, ignore_errors=True)
