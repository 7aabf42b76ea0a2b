"""FlightWire's CCSDS Space Packets against `spacepackets`, an independent implementation."""
import random

from spacepackets.ccsds.spacepacket import (PacketId, PacketType, SequenceFlags, SpacePacket, SpacePacketHeader,
                                            parse_space_packets)

from conftest import hexb, unhex

CASES = 3000


def random_header(rng):
    return dict(
        packet_type=rng.choice([PacketType.TM, PacketType.TC]),
        sec_header_flag=rng.random() < 0.5,
        apid=rng.randrange(0, 2048),
        seq_flags=rng.choice(list(SequenceFlags)),
        seq_count=rng.randrange(0, 16384),
    )


def payload(rng):
    n = rng.choice([1, 2, rng.randrange(1, 64), rng.randrange(1, 2048), 65536 if rng.random() < 0.002 else 1])
    return bytes(rng.getrandbits(8) for _ in range(n))


def test_spacepackets_decodes_ours(wire):
    rng = random.Random(20261126)
    stream, expected = bytearray(), []
    for _ in range(CASES):
        h, data = random_header(rng), payload(rng)
        ours = unhex(wire.one("sp-encode", int(h["packet_type"]), int(h["sec_header_flag"]), h["apid"],
                              int(h["seq_flags"]), h["seq_count"], hexb(data)))
        theirs = SpacePacketHeader.unpack(ours)
        assert theirs.ccsds_version == 0
        assert theirs.packet_type == h["packet_type"]
        assert theirs.sec_header_flag == h["sec_header_flag"]
        assert theirs.apid == h["apid"]
        assert theirs.seq_flags == h["seq_flags"]
        assert theirs.seq_count == h["seq_count"]
        assert theirs.data_len == len(data) - 1
        assert theirs.packet_len == len(ours) == 6 + len(data)
        assert ours[6:] == data
        if h["apid"] < 8:
            stream += ours
            expected.append(bytes(ours))
    # Their stream parser splits a run of our packets back into the same packets.
    ids = [PacketId(t, s, a) for t in PacketType for s in (False, True) for a in range(8)]
    result = parse_space_packets(bytes(stream) + b"\xff" * 7, ids)
    assert [bytes(p) for p in result.tm_list] == expected


def test_we_decode_spacepackets(wire):
    rng = random.Random(42)
    for _ in range(CASES):
        h, data = random_header(rng), payload(rng)
        header = SpacePacketHeader(data_len=len(data) - 1, **h)
        if h["sec_header_flag"]:
            packed = SpacePacket(header, sec_header=data[:1], user_data=data[1:] or None).pack()
        else:
            packed = SpacePacket(header, sec_header=None, user_data=data).pack()
        ok, ptype, sec, apid, flags, count, field = wire.one("sp-decode", packed.hex()).split(" ")
        assert ok == "ok"
        assert (int(ptype), int(sec), int(apid), int(flags), int(count)) == (
            int(h["packet_type"]), int(h["sec_header_flag"]), h["apid"], int(h["seq_flags"]), h["seq_count"])
        assert unhex(field) == data


def test_we_reject_what_is_not_a_packet(wire):
    assert wire.one("sp-decode", "2000000000000011").startswith("err unsupportedVersion(1)")
    assert wire.one("sp-decode", "00000000000211").startswith("err truncated(needed: 9, have: 7)")
    assert wire.one("sp-decode", "0000000000001122").startswith("err trailingBytes(1)")
