"""Boards/regolith.dbc read by cantools, and CAN frames FlightWire encodes decoded by cantools."""
import random
from pathlib import Path

import cantools
import pytest

from conftest import ROOT, unhex

DBC = ROOT / "Boards" / "regolith.dbc"


@pytest.fixture(scope="module")
def db():
    return cantools.database.load_file(str(DBC), strict=True)


def plan(wire):
    messages, current = {}, None
    for line in wire.call("can-plan"):
        words = line.split(" ")
        if words[0] == "msg":
            current = dict(id=int(words[1]), name=words[2], length=int(words[3]), sender=words[4], signals={})
            messages[current["name"]] = current
        else:
            name, start, length, signed, factor, offset, lo, hi, unit = words[1:]
            current["signals"][name] = dict(start=int(start), length=int(length), signed=signed == "1",
                                            factor=float(factor), offset=float(offset), min=float(lo),
                                            max=float(hi), unit="" if unit == "-" else unit)
    return messages


def test_dbc_covers_every_device_with_11_bit_ids(db):
    names = {m.name for m in db.messages}
    for required in ["ENGINE_CMD", "ENGINE_STATUS", "LEG_CONTACT", "IMU_ACCEL", "IMU_RATE", "POWER_STATUS",
                     "ROVER_ATTITUDE", "HAZARD_RANGE"]:
        assert required in names
    assert sum(1 for n in names if n.startswith("ALTIMETER_BEAM")) == 4
    assert sum(1 for n in names if n.startswith("WHEEL") and n.endswith("_STATUS")) == 6
    assert sum(1 for n in names if n.startswith("WHEEL") and n.endswith("_CMD")) == 6
    for m in db.messages:
        assert not m.is_extended_frame and m.frame_id < 0x700
        for s in m.signals:
            assert s.byte_order == "little_endian"
            assert s.minimum is not None and s.maximum is not None
            if s.scale != 1:  # every scaled (physical) signal says its unit
                assert s.unit, (m.name, s.name)
        # Every message carries a rolling counter (docs/devices.md): status to detect stale or
        # repeated data, commands so a controller can refuse a replayed one.
        assert "Counter" in {s.name for s in m.signals}, m.name
        assert m.get_signal_by_name("Counter").length == 8, m.name


def test_swift_plan_matches_dbc(db, wire):
    ours = plan(wire)
    assert set(ours) == {m.name for m in db.messages}
    for m in db.messages:
        o = ours[m.name]
        assert (o["id"], o["length"], o["sender"]) == (m.frame_id, m.length, m.senders[0])
        assert set(o["signals"]) == {s.name for s in m.signals}
        for s in m.signals:
            os = o["signals"][s.name]
            assert (os["start"], os["length"], os["signed"]) == (s.start, s.length, s.is_signed), s.name
            assert os["factor"] == pytest.approx(s.scale) and os["offset"] == pytest.approx(s.offset)
            assert os["min"] == pytest.approx(s.minimum) and os["max"] == pytest.approx(s.maximum)
            assert os["unit"] == (s.unit or "")


def test_cantools_decodes_frames_we_encode(db, wire):
    rng = random.Random(1126)
    for _ in range(40):
        for m in db.messages:
            values = {}
            for s in m.signals:
                steps = rng.randrange(0, int(round((s.maximum - s.minimum) / s.scale)) + 1)
                values[s.name] = s.minimum + steps * s.scale
            args = [f"{k}={v!r}" for k, v in values.items()]
            frame_id, data = wire.one("can-encode", m.name, *args).split(" ")
            data = unhex(data)
            assert int(frame_id) == m.frame_id and len(data) == m.length
            decoded = m.decode(data, decode_choices=False, scaling=True)
            for k, v in values.items():
                assert decoded[k] == pytest.approx(v, abs=m.get_signal_by_name(k).scale / 2), (m.name, k)
            # And cantools' own encoding of the same values is the same bytes.
            assert m.encode(values, strict=True) == data, m.name


def test_out_of_range_values_are_clamped_not_wrapped(db, wire):
    m = db.get_message_by_name("ENGINE_CMD")
    _, data = wire.one("can-encode", "ENGINE_CMD", "ThrottleCmd=250", "Counter=-5").split(" ")
    decoded = m.decode(unhex(data))
    assert decoded["ThrottleCmd"] == pytest.approx(100) and decoded["Counter"] == 0
