"""FlightWire's ground link against fprime-gds 4.4.1's own `space-packet-space-data-link` framing.

Uplink: fprime-gds frames F Prime command packets into TC frames; we decode them, and the TC
frames we write for the same commands are byte-for-byte the ones it writes. Downlink: we pack
telemetry and event packets into fixed-length TM frames; fprime-gds's deframer recovers them.
"""
import random
import struct

import pytest
from fprime_gds.common.communication.ccsds.chain import SpacePacketSpaceDataLinkFramerDeframer
from fprime_gds.common.models.serialize.time_type import TimeType
from fprime_gds.common.models.serialize.numerical_types import U16Type, U32Type

from conftest import hexb, unhex

SCID, VCID = 0x44, 1  # fprime-gds's fallbacks when no dictionary is loaded, and --vcid's default


def gds(frame_size=1024):
    return SpacePacketSpaceDataLinkFramerDeframer(scid=SCID, vcid=VCID, frame_size=frame_size)


def command_packet(opcode: int, args: bytes) -> bytes:
    """What fprime-gds's CmdEncoder hands the framer: descriptor U16 (FW_PACKET_COMMAND), opcode, args."""
    return U16Type(0).serialize() + U32Type(opcode).serialize() + args


def test_we_decode_gds_uplink_and_write_identical_frames(wire):
    rng = random.Random(7)
    framer = gds()
    for i in range(300):
        opcode = rng.randrange(0, 2**32)
        args = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 200)))
        theirs = framer.frame(command_packet(opcode, args))
        # TC header as fprime-gds writes it: version 0, bypass 1, control 0, scid; vcid, length - 1; seq 0.
        assert theirs[0:2] == struct.pack(">H", 0x2000 | SCID)
        assert struct.unpack(">H", theirs[2:4])[0] == (VCID << 10) | (len(theirs) - 1)
        ok, scid, vcid, bypass, cc, seq, packet = wire.one("tc-decode", theirs.hex()).split(" ")
        assert (ok, int(scid), int(vcid), int(bypass), int(cc), int(seq)) == ("ok", SCID, VCID, 1, 0, 0)
        ok, ptype, sec, apid, flags, count, field = wire.one("sp-decode", packet).split(" ")
        assert (ptype, sec, apid, flags, count) == ("1", "0", "0", "3", str(i))
        assert wire.one("fp-decode", field) == f"command {opcode} {hexb(args)}"
        # Our frame of the same command, with our own sequence count, is the same bytes.
        ours_packet = wire.one("fp-command", opcode, hexb(args))
        ours = unhex(wire.one("tc-encode", SCID, VCID, ours_packet))
        assert ours == theirs


def test_we_find_gds_frames_in_a_dirty_byte_stream(wire):
    """fprime-gds writes TC frames back to back on a TCP stream; our accumulator finds them
    among garbage and a corrupted frame, in whatever pieces the bytes arrive."""
    rng = random.Random(11)
    framer = gds()
    stream, expected = bytearray(), []
    for i in range(100):
        packet = command_packet(i, bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 100))))
        frame = bytearray(framer.frame(packet))
        if i % 10 == 3:
            stream += bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 30)))
        if i % 10 == 7:
            frame[-3] ^= 0x80  # corrupted: must not come out
        else:
            expected.append(frame[5:-2])
        stream += frame
    chunks, at = [], 0
    while at < len(stream):
        n = rng.randrange(1, 300)
        chunks.append(stream[at:at + n].hex())
        at += n
    answer = wire.call("tc-stream", SCID, VCID, *chunks)
    got = [unhex(line.split(" ")[1]) for line in answer if line.startswith("frame ")]
    assert got == [bytes(e) for e in expected]
    assert answer[-1].startswith(f"counts frames={len(expected)} ")


def test_we_reject_a_corrupted_tc_frame(wire):
    packet = wire.one("fp-command", 0x1234, "01020304")
    frame = bytearray(unhex(wire.one("tc-encode", SCID, VCID, packet)))
    assert wire.one("tc-decode", frame.hex()).startswith("ok ")
    frame[7] ^= 0x01
    assert wire.one("tc-decode", frame.hex()).startswith("err crcMismatch")


def time_bytes(base, ctx, secs, usecs) -> bytes:
    return TimeType(base, ctx, secs, usecs).serialize()


@pytest.mark.parametrize("frame_size", [1024, 64, 255])
def test_gds_deframes_our_downlink(wire, frame_size):
    rng = random.Random(frame_size)
    packets, expected = [], []
    for i in range(200):
        kind = rng.choice(["fp-telemetry", "fp-event"])
        ident = rng.randrange(0, 2**32)
        base, ctx, secs, usecs = rng.choice([0, 1, 2]), rng.randrange(256), rng.randrange(2**32), rng.randrange(10**6)
        body = bytes(rng.getrandbits(8) for _ in range(rng.choice([1, 4, 8, rng.randrange(1, 1500)])))
        packets.append(wire.one(kind, ident, base, ctx, secs, usecs, hexb(body)))
        descriptor = 1 if kind == "fp-telemetry" else 2
        expected.append(struct.pack(">HI", descriptor, ident) + time_bytes(base, ctx, secs, usecs) + body)
    frames = wire.call("tm-frame", SCID, VCID, frame_size, *packets)
    assert all(len(unhex(f)) == frame_size for f in frames)
    stream = b"".join(unhex(f) for f in frames)
    got, remaining, discarded = gds(frame_size).deframe_all(stream, no_copy=False)
    assert discarded == b""
    assert [bytes(p) for p in got] == expected
    # Their view of the time field agrees with ours.
    t = TimeType()
    t.deserialize(got[0], 6)
    assert t.serialize() == expected[0][6:17]
    # And our own reassembler reads the same frames back.
    answer = wire.call("tm-decode", frame_size, *frames)
    ours = [unhex(line.split(" ")[1]) for line in answer if line.startswith("packet ")]
    assert [p[6:] for p in ours] == expected
    assert answer[-1].startswith(f"counts frames={len(frames)} gaps=0 dropped=0")


def test_gds_skips_a_corrupted_tm_frame_and_recovers(wire):
    packets = [wire.one("fp-telemetry", i, 0, 0, i, 0, "00000000" * 4) for i in range(40)]
    frames = [bytearray(unhex(f)) for f in wire.call("tm-frame", SCID, VCID, 64, *packets)]
    frames[3][20] ^= 0xFF
    got, _, _ = gds(64).deframe_all(b"".join(bytes(f) for f in frames), no_copy=False)
    ids = [struct.unpack(">I", bytes(p[2:6]))[0] for p in got]
    assert ids == sorted(ids) and 0 < len(ids) < 40 and ids[-1] == 39
    answer = wire.call("tm-decode", 64, *[f.hex() for f in frames])
    assert sum(1 for line in answer if line.startswith("rejected crcMismatch")) == 1
    ours = [struct.unpack(">I", unhex(line.split(" ")[1])[8:12])[0] for line in answer if line.startswith("packet ")]
    assert ours == ids
