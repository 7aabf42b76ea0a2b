"""FlightWire's ISO-TP against can-isotp's pure-Python stack (isotp.TransportLayerLogic), both
directions, over an in-memory link: the Python stack's rxfn/txfn pass CAN frames through a pipe
to the wire-peer process, which runs our ISOTPSender and ISOTPReceiver on the clock the test
passes it (Python's monotonic clock)."""
import random
import time
from collections import deque

import isotp
import pytest

from conftest import hexb, unhex

REQUEST_ID, RESPONSE_ID = 0x700, 0x708  # ISOTPAddressing node 0
FD_DLC = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 12: 9, 16: 10, 20: 11, 24: 12, 32: 13, 48: 14, 64: 15}


class Link:
    def __init__(self, wire, dl=8, padding=0xCC, our_bs=8, our_stmin_us=0, their_bs=8, their_stmin_ms=0):
        self.wire = wire
        self.fd = dl > 8
        self.to_python = deque()
        self.delivered = []
        self.state = ""
        assert wire.call("isotp-open", dl, -1 if padding is None else padding, our_bs, our_stmin_us) == []
        params = dict(stmin=their_stmin_ms, blocksize=their_bs, tx_padding=padding, tx_data_length=dl,
                      can_fd=self.fd, max_frame_size=4095, rx_flowcontrol_timeout=1000,
                      rx_consecutive_frame_timeout=1000, blocking_send=False)
        address = isotp.Address(isotp.AddressingMode.Normal_11bits, txid=REQUEST_ID, rxid=RESPONSE_ID)
        self.stack = isotp.TransportLayerLogic(rxfn=self.rx, txfn=self.tx, address=address, params=params,
                                               error_handler=self.error)
        self.errors = []
        self.frames_to_us = 0

    @staticmethod
    def now():
        return time.monotonic_ns()

    def error(self, e):
        self.errors.append(e)

    def rx(self):
        if not self.to_python:
            return None
        data = self.to_python.popleft()
        return isotp.CanMessage(arbitration_id=RESPONSE_ID, dlc=FD_DLC[len(data)], data=data, is_fd=self.fd)

    def tx(self, msg):
        assert msg.arbitration_id == REQUEST_ID
        self.frames_to_us += 1
        self.handle(self.wire.call("isotp-rx", self.now(), hexb(bytes(msg.data))))

    def handle(self, lines):
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind == "tx":
                self.to_python.append(unhex(rest))
            elif kind == "msg":
                self.delivered.append(unhex(rest))
            elif kind == "state":
                self.state = rest
            else:
                raise AssertionError(line)

    def step(self):
        self.stack.process()
        self.handle(self.wire.call("isotp-poll", self.now()))

    def python_to_swift(self, payload, deadline=20.0):
        self.stack.send(payload)
        end = time.monotonic() + deadline
        while not self.delivered and time.monotonic() < end:
            self.step()
        assert self.delivered == [payload], self.state
        self.delivered.clear()

    def swift_to_python(self, payload, deadline=20.0):
        self.handle(self.wire.call("isotp-send", self.now(), hexb(payload)))
        end = time.monotonic() + deadline
        while not self.stack.available() and time.monotonic() < end:
            self.step()
        assert self.stack.available(), self.state
        assert bytes(self.stack.recv()) == payload
        for _ in range(3):
            self.step()
        assert self.state.startswith("completed"), self.state


def lengths():
    rng = random.Random(15765)
    return [1, 6, 7, 8, 62, 63, 64, 255, 4094, 4095] + sorted(rng.randrange(1, 4096) for _ in range(20))


@pytest.mark.parametrize("padding", [0xCC, None])
def test_python_stack_sends_to_us(wire, padding):
    link = Link(wire, padding=padding)
    rng = random.Random(1)
    for n in lengths():
        link.python_to_swift(bytes(rng.getrandbits(8) for _ in range(n)))
    assert link.errors == []
    assert "seqerr=0 timeouts=0 overflow=0 malformed=0" in link.state


@pytest.mark.parametrize("padding", [0xCC, None])
def test_we_send_to_python_stack(wire, padding):
    link = Link(wire, padding=padding)
    rng = random.Random(2)
    for n in lengths():
        link.swift_to_python(bytes(rng.getrandbits(8) for _ in range(n)))
    assert link.errors == []


def test_flow_control_block_size_and_stmin_both_ways(wire):
    # We ask for blocks of 2 with 1 ms gaps; Python asks for blocks of 3 with 2 ms gaps.
    link = Link(wire, our_bs=2, our_stmin_us=1000, their_bs=3, their_stmin_ms=2)
    payload = bytes(range(256)) * 2
    start = time.monotonic()
    link.swift_to_python(payload)
    # 512 bytes: 6 in the first frame, 73 consecutive frames, at least 2 ms apart.
    assert time.monotonic() - start >= 72 * 0.002
    link.python_to_swift(payload)
    assert link.errors == []


def test_can_fd_64_byte_frames_both_ways(wire):
    link = Link(wire, dl=64)
    rng = random.Random(3)
    for n in [1, 7, 8, 62, 63, 64, 100, 4095]:
        payload = bytes(rng.getrandbits(8) for _ in range(n))
        link.python_to_swift(payload)
        link.swift_to_python(payload)
    assert link.errors == []
