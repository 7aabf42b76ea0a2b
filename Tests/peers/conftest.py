"""Shared fixtures for the real-peer tests: they drive the built `regolith` binary."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def regolith_bin() -> Path:
    """The `regolith` executable `make test` built (REGOLITH_BIN), or the debug build."""
    env = os.environ.get("REGOLITH_BIN")
    if env:
        path = Path(env)
    else:
        bin_dir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                                 capture_output=True, text=True).stdout.strip()
        path = Path(bin_dir) / "regolith"
    assert path.is_file(), f"regolith binary not found at {path}: run `swift build` first"
    return path


def run_regolith(binary: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], check=True, capture_output=True, text=True)
