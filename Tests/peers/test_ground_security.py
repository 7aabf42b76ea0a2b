"""Authenticated commanding and a hostile ground port, with independent Python peers.

Commands are framed and signed here with struct, binascii and the standard library's hmac
(not with Regolith's code). `regolith run` holds the key; it must refuse unauthenticated,
tampered, replayed and truncated commands, each with its event and counter; 10 million random
bytes at its ground port must not crash it, and a valid command must still work afterwards.
SHA-256 and HMAC-SHA-256 are also checked against hashlib/hmac on random inputs.
"""
import hashlib
import hmac
import os
import random
import re
import signal
import socket
import struct
import time

import pytest

from ground_support import (ProcessGroup, TMReader, command_frame, fprime_command, free_port,
                            signed_field, space_packet, tc_frame)

NO_OP = 0x0100
EV_OPCODE_COMPLETED = 0x0100 + 1
EV_AUTH_REFUSED = 0x0900 + 0
REASONS = {0: "UNAUTHENTICATED", 1: "TRUNCATED", 2: "BAD_MAC", 3: "REPLAYED"}


def connect(port: int, timeout: float = 20) -> socket.socket:
    deadline = time.monotonic() + timeout
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.settimeout(60)  # a loaded machine may make the flight software slow to read
            return s
        except OSError:
            assert time.monotonic() < deadline, "the flight software's ground port never opened"
            time.sleep(0.1)


def collect(reader: TMReader, want, timeout: float = 10):
    """Reads downlinked packets until `want(packets)` is true."""
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got += reader.packets(0.2)
        if want(got):
            return got
    raise AssertionError(f"not downlinked within {timeout} s; got {len(got)} packets")


def refusals(packets):
    out = []
    for desc, item, body in packets:
        if desc == 2 and item == EV_AUTH_REFUSED:
            reason, counter = struct.unpack(">BQ", body[11:20])
            out.append((REASONS.get(reason, reason), counter))
    return out


def completions(packets, opcode):
    return [1 for desc, item, body in packets if desc == 2 and item == EV_OPCODE_COMPLETED
            and struct.unpack(">I", body[11:15])[0] == opcode]


@pytest.fixture()
def fsw(regolith_bin, tmp_path):
    key = os.urandom(32)
    (tmp_path / "key.hex").write_text(key.hex() + "\n")
    port = free_port()
    group = ProcessGroup()
    proc = group.start([regolith_bin, "run", "--executive", "realtime", "--seconds", "120",
                        "--ground", f"listen:127.0.0.1:{port}", "--auth-key-file", tmp_path / "key.hex"])
    try:
        yield proc, port, key
    finally:
        group.close()


def finish(proc) -> str:
    """Ends the run with SIGINT and returns its report."""
    assert proc.poll() is None, "the flight software died"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return out


def test_refuses_unauthenticated_tampered_replayed_truncated(fsw):
    proc, port, key = fsw
    s = connect(port)
    reader = TMReader(s)
    good = command_frame(NO_OP, key=key, counter=1000)
    s.sendall(good)
    collect(reader, lambda p: completions(p, NO_OP))
    # Unauthenticated: a plain F Prime command, as fprime-gds sends.
    s.sendall(command_frame(NO_OP))
    # Tampered: a signed command with one byte of its opcode changed (frame CRC recomputed).
    field = bytearray(signed_field(fprime_command(NO_OP), 1001, key))
    field[9 + 5] ^= 0x01
    s.sendall(tc_frame(space_packet(0, bytes(field), telecommand=True, secondary=True)))
    # Signed with another key.
    s.sendall(command_frame(NO_OP, key=os.urandom(32), counter=1002))
    # Replayed: the accepted command's exact bytes again.
    s.sendall(good)
    # Truncated: marked signed but too short for counter, command and MAC.
    short = signed_field(fprime_command(NO_OP), 1003, key)[:30]
    s.sendall(tc_frame(space_packet(0, short, telecommand=True, secondary=True)))
    packets = collect(reader, lambda p: len(refusals(p)) >= 5)
    assert sorted(refusals(packets)) == sorted([
        ("UNAUTHENTICATED", 0), ("BAD_MAC", 1001), ("BAD_MAC", 1002), ("REPLAYED", 1000), ("TRUNCATED", 1003)])
    assert not completions(packets, NO_OP), "a refused command ran"
    # A fresh counter still works.
    s.sendall(command_frame(NO_OP, key=key, counter=1004))
    collect(reader, lambda p: completions(p, NO_OP))
    s.close()
    report = finish(proc)
    assert "auth refused 5 (unauthenticated 1, truncated 1, bad MAC 2, replayed 1, other 0)" in report, report
    assert "ground commands: 2 uplinked, 2 completed, 0 failed" in report, report


def test_ten_million_random_bytes_then_a_valid_command(fsw):
    proc, port, key = fsw
    rng = random.Random(20261126)
    s = connect(port)
    sent = 0
    chunk = 1 << 16
    while sent < 10_000_000:
        s.sendall(rng.randbytes(min(chunk, 10_000_000 - sent)))
        sent += chunk
    # Half-close, and read the downlink until the flight software, having read every byte,
    # closes its end (closing with unread downlink would reset the connection and lose the
    # uplink bytes still in flight).
    s.shutdown(socket.SHUT_WR)
    s.settimeout(30)
    while s.recv(65536):
        pass
    s.close()
    assert proc.poll() is None, "the flight software died under random bytes"
    s = connect(port)
    reader = TMReader(s)
    s.sendall(command_frame(NO_OP, key=key, counter=1))
    collect(reader, lambda p: completions(p, NO_OP), timeout=30)
    s.close()
    report = finish(proc)
    m = re.search(r"ground link \S+: (\d+) bytes up, (\d+) frames, \d+ keep-alives, (\d+) bytes skipped", report)
    assert m, report
    assert int(m.group(1)) >= 10_000_000
    assert int(m.group(3)) > 9_000_000  # nearly every random byte was skipped as garbage
    assert re.search(r"ground commands: \d+ uplinked, 1 completed", report), report


@pytest.mark.parametrize("seed", range(3))
def test_sha256_and_hmac_match_python(wire, seed):
    rng = random.Random(seed)
    for _ in range(40):
        msg = rng.randbytes(rng.choice([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, rng.randrange(0, 3000)]))
        key = rng.randbytes(rng.choice([0, 1, 16, 32, 63, 64, 65, 131]))
        assert wire.one("sha256", msg.hex() or "-") == hashlib.sha256(msg).hexdigest()
        assert wire.one("hmac", key.hex() or "-", msg.hex() or "-") == hmac.new(key, msg, hashlib.sha256).hexdigest()
