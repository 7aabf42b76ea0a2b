"""`regolith ground`'s archive under a hard kill, read back by Python's own sqlite3.

A Python peer plays the flight software: it streams TM frames of telemetry (one channel,
values 0, 1, 2, ...) into `regolith ground --archive`, which is SIGKILLed mid-stream. Every
packet it had reported committed must be in the archive, in order, with no gap; the archive
must pass SQLite's integrity check; `regolith archive` must read, export and plot it; and a
file that is not an archive must be refused with a clear message.
"""
import re
import signal
import socket
import sqlite3
import struct
import subprocess
import time

from ground_support import ProcessGroup, free_port, telemetry_packet, tm_frames

COMMANDS_DISPATCHED = 0x0100  # cmdDisp.CommandsDispatched, a U32 channel


def connect(port, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            assert time.monotonic() < deadline, "regolith ground never listened"
            time.sleep(0.1)


def last_committed(path) -> int:
    counts = re.findall(r"archive: (\d+) packets committed", path.read_text())
    return int(counts[-1]) if counts else 0


def test_sigkill_mid_stream_loses_nothing_committed(regolith_bin, tmp_path):
    archive = tmp_path / "a.sqlite"
    status = tmp_path / "ground.err"
    port = free_port()
    group = ProcessGroup()
    try:
        with open(status, "w") as err:
            ground = group.start([regolith_bin, "ground", "--link", f"listen:127.0.0.1:{port}",
                                  "--archive", archive, "--quiet", "--no-stdin"],
                                 stdout=subprocess.DEVNULL, stderr=err)
            s = connect(port)
            s.settimeout(60)  # the ground pushes back (TCP) while it commits
            value, frame_count = 0, 0
            killed_at = None
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                batch = [telemetry_packet(COMMANDS_DISPATCHED, 100 + v // 1000, (v % 1000) * 1000,
                                          struct.pack(">I", v), seq=v) for v in range(value, value + 370)]
                frames, frame_count = tm_frames(batch, frame_count)
                s.sendall(b"".join(frames))
                value += len(batch)
                if last_committed(status) >= 20_000:
                    # Mid-stream: frames keep coming while it dies.
                    killed_at = last_committed(status)
                    group.procs[0].send_signal(signal.SIGKILL)
                    break
            assert killed_at, f"only {last_committed(status)} packets committed in 60 s: {status.read_text()[-2000:]}"
            ground.wait(timeout=10)
            assert ground.returncode == -signal.SIGKILL
            s.close()
        committed = last_committed(status)
        db = sqlite3.connect(archive)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        values = [struct.unpack(">I", bytes(b)[-4:])[0] for (b,) in db.execute("SELECT bytes FROM packet ORDER BY id")]
        names = {n for (n,) in db.execute("SELECT DISTINCT name FROM packet")}
        db.close()
        assert len(values) >= committed >= killed_at
        assert values == list(range(len(values))), "a gap or a reordering in the archive"
        assert len(values) < value, "the kill was not mid-stream"
        assert names == {"cmdDisp.CommandsDispatched"}

        # The killed archive opens and reads back through the CLI.
        summary = subprocess.run([str(regolith_bin), "archive", "query", "--summary", str(archive)],
                                 capture_output=True, text=True, check=True).stdout
        assert f"{len(values)} packets" in summary
        assert f"cmdDisp.CommandsDispatched: {len(values)} samples" in summary
        csv = subprocess.run([str(regolith_bin), "archive", "export", str(archive), "--limit", "100"],
                             capture_output=True, text=True, check=True).stdout.splitlines()
        assert len(csv) == 101 and csv[0].startswith("id,received,kind")
        assert csv[5].split(",")[7] == "4.0"  # the fifth packet's value
        svg = tmp_path / "plot.svg"
        subprocess.run([str(regolith_bin), "archive", "plot", str(archive), "--name", "cmdDisp.CommandsDispatched",
                        "--to", "105", "-o", str(svg)], check=True)
        text = svg.read_text()
        assert text.count("<polyline") == 1 and "cmdDisp.CommandsDispatched (" in text
    finally:
        group.close()


def test_a_corrupted_archive_is_refused_with_a_clear_error(regolith_bin, tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(bytes(range(256)) * 64)
    r = subprocess.run([str(regolith_bin), "archive", "query", str(garbage)], capture_output=True, text=True)
    assert r.returncode != 0
    assert "is not a Regolith archive: the file is not an SQLite database" in r.stderr
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    r = subprocess.run([str(regolith_bin), "archive", "query", str(other)], capture_output=True, text=True)
    assert r.returncode != 0
    assert "is not a Regolith archive: it is an SQLite database of another application" in r.stderr
