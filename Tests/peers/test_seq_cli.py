"""`regolith seq` as a user drives it: check, compile, explain, run, decompile.

The checker's output is the compiler convention editors read (`file:line:col: error: ...`),
the exit codes are what CI scripts test, and a damaged or foreign binary is refused by the
on-board sequencer with its reason. Python's zlib/crcmod-free CRC-32C below is an
independent implementation of the header's checksum.
"""
import json
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT, run_regolith

SEQUENCES = ROOT / "Sequences"
CORPUS = ROOT / "Tests" / "SequencingTests" / "Corpus"


def regolith(binary, *args):
    return subprocess.run([str(binary), *args], capture_output=True, text=True)


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def test_examples_check_clean(regolith_bin):
    # Each sequence against its flight build's dictionary: lander-* and rover-* against the
    # mission topologies, the others against the core one.
    for script in sorted(SEQUENCES.glob("*.rseq")):
        topology = next((t for t in ("lander", "rover") if script.name.startswith(t + "-")), "core")
        out = run_regolith(regolith_bin, "seq", "check", "--topology", topology, str(script)).stdout
        assert out.strip().endswith(tuple(["s", "ms"])) and ": OK: sequence " in out, out


def test_check_prints_one_compiler_style_line_per_error_and_fails(regolith_bin, tmp_path):
    script = tmp_path / "typos.rseq"
    script.write_text("cmdDisp.CMD_NOOP\nwait 5 mins\nwait until cmdDisp.CommandErorrs > 0 timeout 1 s\n")
    r = regolith(regolith_bin, "seq", "check", str(script))
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        f"{script}:1:1: error: unknown command 'cmdDisp.CMD_NOOP'; did you mean 'cmdDisp.CMD_NO_OP'?",
        f"{script}:2:8: error: unknown duration unit 'mins'; use ms, s, min or h; did you mean 'min'?",
        f"{script}:3:12: error: unknown telemetry channel 'cmdDisp.CommandErorrs'; did you mean 'cmdDisp.CommandErrors'?",
    ]


def test_every_corpus_script_fails_check_with_its_expected_lines(regolith_bin):
    cases = [p for p in sorted(CORPUS.glob("*.rseq")) if "# expect: " in p.read_text()]
    assert len(cases) >= 40
    for p in cases:
        expected = [line[len("# expect: "):] for line in p.read_text().splitlines() if line.startswith("# expect: ")]
        r = regolith(regolith_bin, "seq", "check", str(p))
        assert r.returncode == 1, p.name
        got = [line[len(str(p)) + 1:].replace("error: ", "", 1) for line in r.stdout.splitlines() if ": error: " in line]
        assert got == expected, p.name


def test_compile_writes_a_binary_whose_header_an_independent_crc_confirms(regolith_bin, tmp_path):
    out = tmp_path / "checkout.rseqb"
    shutil.copy(SEQUENCES / "core-checkout.rseq", tmp_path)
    shutil.copy(SEQUENCES / "safing.rseq", tmp_path)
    summary = run_regolith(regolith_bin, "seq", "compile", str(tmp_path / "core-checkout.rseq"), "-o", str(out)).stdout
    data = out.read_bytes()
    assert data[:4] == b"RSEQ"
    assert int.from_bytes(data[4:6], "big") == 1
    assert data[6] == 2  # core_checkout and the safing sequence it calls
    assert int.from_bytes(data[12:16], "big") == len(data)
    assert int.from_bytes(data[16:20], "big") == crc32c(data[24:])
    assert f"{len(data)} bytes, 2 routine(s), CRC-32C 0x{crc32c(data[24:]):08X}" in summary
    # Decompiled and compiled again: the same bytes.
    text = run_regolith(regolith_bin, "seq", "decompile", str(out)).stdout
    main, _, called = text.partition("# ---- called sequence safing (safing.rseq) ----\n")
    again = tmp_path / "again"
    again.mkdir()
    (again / "core-checkout.rseq").write_text(main)
    (again / "safing.rseq").write_text(called)
    run_regolith(regolith_bin, "seq", "compile", str(again / "core-checkout.rseq"), "-o", str(again / "x.rseqb"))
    assert (again / "x.rseqb").read_bytes() == data


def test_explain_prints_the_timeline_and_worst_case(regolith_bin):
    out = run_regolith(regolith_bin, "seq", "explain", str(SEQUENCES / "core-checkout.rseq")).stdout
    lines = out.splitlines()
    assert lines[0] == "sequence core_checkout: worst case 16.7 s, best case 2.7 s"
    assert any("line 28" in l and l.startswith("+500 ms … +14.5 s") for l in lines), out
    assert lines[-1] == "on abort: worst case 0 s"
    out = run_regolith(regolith_bin, "seq", "explain", str(SEQUENCES / "housekeeping.rseq")).stdout
    assert out.splitlines()[0] == "sequence housekeeping: worst case T+00:00:30 + 0 s, best case T+00:00:30 + 0 s"


def test_run_completes_in_its_flight_time(regolith_bin):
    # The flight time is exact (lockstep); how fast the wall clock went is printed, not
    # asserted: speed belongs in Benchmarks/, not in a test.
    r = regolith(regolith_bin, "seq", "run", str(SEQUENCES / "core-checkout.rseq"))
    assert r.returncode == 0, r.stdout + r.stderr
    last = r.stdout.splitlines()[-1]
    assert last.startswith("core_checkout: COMPLETED — 3.200 s flight time in ")
    assert float(last.split("(")[1].split("x real time")[0]) > 0
    assert r.stdout.count("cmdDisp.NoOpReceived") == 4


def test_run_of_a_failing_sequence_shows_its_abort_block_and_exits_1(regolith_bin):
    r = regolith(regolith_bin, "seq", "run", str(SEQUENCES / "abort-demo.rseq"))
    assert r.returncode == 1
    out = r.stdout
    assert "seq.SequenceFailed: Sequence 1 failed at line 7: WAIT_TIMED_OUT" in out
    assert "seq.SequenceAbortBlockStarted: Sequence 1: running its abort block (line 10)" in out
    assert "eventLogger.ThrottleCleared" in out  # the last command of the safing sequence it calls
    assert out.splitlines()[-1].startswith("abort_demo: FAILED")


def test_run_refuses_a_damaged_binary_and_one_for_another_dictionary(regolith_bin, tmp_path):
    binary = tmp_path / "safing.rseqb"
    run_regolith(regolith_bin, "seq", "compile", str(SEQUENCES / "safing.rseq"), "-o", str(binary))
    damaged = bytearray(binary.read_bytes())
    damaged[-2] ^= 0x01
    (tmp_path / "damaged.rseqb").write_bytes(bytes(damaged))
    r = regolith(regolith_bin, "seq", "run", str(tmp_path / "damaged.rseqb"))
    assert r.returncode != 0
    assert "SequenceRefused: Compiled sequence refused: CRC_MISMATCH" in r.stdout
    assert "refused by the sequencer: CRC_MISMATCH: CRC-32C mismatch" in r.stderr

    # A dictionary with one command more: the sequence compiles against it, but the flight
    # build's sequencer refuses it.
    exported = json.loads(run_regolith(regolith_bin, "dict", "export").stdout)
    exported["commands"].append({"opcode": 0x9000, "name": "extra.CMD", "arguments": [], "hazardous": False})
    other = tmp_path / "other.json"
    other.write_text(json.dumps(exported))
    foreign = tmp_path / "foreign.rseqb"
    run_regolith(regolith_bin, "seq", "compile", "--dictionary", str(other), str(SEQUENCES / "safing.rseq"), "-o", str(foreign))
    r = regolith(regolith_bin, "seq", "run", str(foreign))
    assert r.returncode != 0
    assert "DICTIONARY_MISMATCH" in r.stdout and "recompile it" in r.stderr
    # The exported dictionary itself gives binaries the flight build accepts.
    plain = tmp_path / "plain.json"
    run_regolith(regolith_bin, "dict", "export", "-o", str(plain))
    ok = tmp_path / "ok.rseqb"
    run_regolith(regolith_bin, "seq", "compile", "--dictionary", str(plain), str(SEQUENCES / "safing.rseq"), "-o", str(ok))
    assert regolith(regolith_bin, "seq", "run", str(ok)).returncode == 0


def test_run_flies_the_lander_descent_against_the_simulator(regolith_bin):
    """`seq run --topology lander` runs the sequence on the lander's on-board sequencer with the
    simulator in lockstep (in-process device links): the descent sequence lands the lander,
    much faster than real time."""
    r = subprocess.run([regolith_bin, "seq", "run", "--topology", "lander", str(SEQUENCES / "lander-descent.rseq")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert "descent.Landed" in r.stdout
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("lander_descent: COMPLETED"), last
