"""The ground link on a serial line: `regolith run --ground serial:PTY` with Python on the
PTY's other end (os.openpty), commanding in TC frames and reading TM frames back."""
import os
import select
import signal
import struct
import time
import tty

from ground_support import ProcessGroup, command_frame, crc16, TM_FRAME_SIZE

NO_OP = 0x0100
EV_OPCODE_COMPLETED = 0x0100 + 1


def test_commands_and_telemetry_over_a_pty(regolith_bin):
    master, slave = os.openpty()
    tty.setraw(master)
    group = ProcessGroup()
    try:
        proc = group.start([regolith_bin, "run", "--executive", "realtime", "--seconds", "60",
                            "--ground", f"serial:{os.ttyname(slave)}@115200"])
        buf, pending, completed = b"", b"", False
        os.write(master, command_frame(NO_OP))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not completed:
            if select.select([master], [], [], 0.1)[0]:
                buf += os.read(master, 65536)
            while len(buf) >= TM_FRAME_SIZE:
                frame, buf = buf[:TM_FRAME_SIZE], buf[TM_FRAME_SIZE:]
                assert crc16(frame[:-2]) == struct.unpack(">H", frame[-2:])[0]
                pending += frame[6:-2]
                while len(pending) >= 6:
                    total = 7 + struct.unpack(">H", pending[4:6])[0]
                    if len(pending) < total:
                        break
                    pkt, pending = pending[:total], pending[total:]
                    if len(pkt) >= 23 and struct.unpack(">HI", pkt[6:12]) == (2, EV_OPCODE_COMPLETED):
                        completed = struct.unpack(">I", pkt[23:27])[0] == NO_OP
        assert completed, "no OpCodeCompleted for the NO_OP came down the PTY"
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        assert "ground commands: 1 uplinked, 1 completed, 0 failed" in out, out
    finally:
        group.close()
        os.close(master)
        os.close(slave)
