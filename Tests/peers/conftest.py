"""Shared fixtures for the real-peer tests: they drive the built `regolith` binary."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def built_executable(name: str, override: str = "") -> Path:
    """An executable this package builds: $override if set, else next to $REGOLITH_BIN (what
    `make test` built), else in `swift build --show-bin-path`."""
    if override and os.environ.get(override):
        path = Path(os.environ[override])
    elif os.environ.get("REGOLITH_BIN"):
        path = Path(os.environ["REGOLITH_BIN"]).parent / name
    else:
        bin_dir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.strip()
        path = Path(bin_dir) / name
    assert path.is_file(), f"{name} not found at {path}: run `swift build` first"
    return path


@pytest.fixture(scope="session")
def regolith_bin() -> Path:
    """The `regolith` executable `make test` built (REGOLITH_BIN), or the debug build."""
    return built_executable("regolith", "REGOLITH_BIN")


def run_regolith(binary: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], check=True, capture_output=True, text=True)


# Wire formats: the `wire-peer` executable (Tests/Support/WirePeer) speaks FlightWire on a pipe.
class WirePeer:
    """One long-lived wire-peer process: a request line in, answer lines up to `end` out."""

    def __init__(self, path: Path):
        self.proc = subprocess.Popen([str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)

    def call(self, *words) -> list:
        self.proc.stdin.write(" ".join(str(w) for w in words) + "\n")
        self.proc.stdin.flush()
        lines = []
        while True:
            line = self.proc.stdout.readline()
            assert line, "wire-peer exited"
            line = line.rstrip("\n")
            if line == "end":
                return lines
            lines.append(line)

    def one(self, *words) -> str:
        lines = self.call(*words)
        assert len(lines) == 1, lines
        return lines[0]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def hexb(b: bytes) -> str:
    return b.hex() if b else "-"


def unhex(s: str) -> bytes:
    return b"" if s == "-" else bytes.fromhex(s)


@pytest.fixture(scope="session")
def wire_peer_bin() -> Path:
    return built_executable("wire-peer", "WIRE_PEER_BIN")


@pytest.fixture()
def wire(wire_peer_bin):
    peer = WirePeer(wire_peer_bin)
    yield peer
    peer.close()
