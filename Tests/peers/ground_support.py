"""Helpers for the ground-link peer tests: free ports, process groups that are always killed,
and the ground link's framing written independently in Python (struct, binascii, hmac)."""
import binascii
import hashlib
import hmac
import os
import signal
import socket
import struct
import subprocess
import time

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
