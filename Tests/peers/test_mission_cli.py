"""`regolith mission`: the lander descent run by the built binary on Boards/sim.yaml; its JSON
report read back and judged again in Python from the touchdown figures (ACCEPTANCE.md's
envelope), its plots parsed as SVG; boards it cannot run refused cleanly; the rover drive reaching its goal."""
import json
import re
import math
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"

# ACCEPTANCE.md: the touchdown envelope, and the nominal descent.
ENVELOPE = {
    "touchdown_vertical_speed": ("vertical_speed", 3.05),
    "touchdown_horizontal_speed": ("horizontal_speed", 1.22),
    "touchdown_tilt": ("tilt_deg", 6.0),
    "touchdown_angular_rate": ("angular_rate_deg", 2.0),
    "touchdown_slope": ("slope_deg", 12.0),
}
TOP_KEYS = {
    "report_version", "mission", "vehicle", "seed", "scenario", "board", "landed", "final_phase",
    "inside_envelope", "pdi_time", "pdi_to_touchdown", "touchdown", "delta_v", "propellant_used",
    "distance_to_site", "checks", "apollo11", "commands", "simulated_seconds", "wall_seconds", "real_time_factor",
    "fault_protection",
}
CHECK_KEYS = {"name", "label", "value", "unit", "limit", "min", "max", "envelope", "pass"}


@pytest.fixture(scope="module")
def descent(regolith_bin, tmp_path_factory):
    """One nominal descent (seed 1, Chang'e-class), live line on (stdout is a pipe: plain lines)."""
    out = tmp_path_factory.mktemp("mission")
    proc = subprocess.run(
        [str(regolith_bin), "mission", "lander-descent", "--board", "Boards/sim.yaml", "--seed", "1",
         "--report", str(out / "r.json"), "--plots", str(out / "plots")],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    return proc, json.loads((out / "r.json").read_text()), out / "plots"


def test_report_has_every_key_and_the_landing_is_inside_the_envelope(descent):
    proc, r, _ = descent
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(r) == TOP_KEYS
    assert r["report_version"] == 1 and r["mission"] == "lander-descent"
    assert r["vehicle"] == "change" and r["seed"] == 1 and r["scenario"] is None
    assert r["landed"] is True and r["final_phase"] == "LANDED"
    td = r["touchdown"]
    # The envelope judged here from the touchdown figures, not taken from the report's verdict.
    inside = all(td[key] < limit if name == "touchdown_angular_rate" else td[key] <= limit
                 for name, (key, limit) in ENVELOPE.items())
    assert inside and r["inside_envelope"] is True
    assert 700 <= r["pdi_to_touchdown"] <= 800
    assert math.isclose(r["pdi_to_touchdown"], td["time"] - r["pdi_time"], abs_tol=1e-6)
    assert 1900 <= r["delta_v"] <= 2300
    assert r["propellant_used"] > 0 and r["distance_to_site"] >= 0
    assert r["simulated_seconds"] >= td["time"]
    assert r["commands"] == [{"name": "seq.SEQ_RUN", "response": "OK"}]  # the descent sequence commands the rest
    assert math.isclose(r["real_time_factor"], r["simulated_seconds"] / r["wall_seconds"], rel_tol=1e-6)


def test_each_check_agrees_with_its_value_and_limit(descent):
    _, r, _ = descent
    checks = {c["name"]: c for c in r["checks"]}
    assert set(checks) == set(ENVELOPE) | {"pdi_to_touchdown", "delta_v", "distance_to_site", "propellant_used"}
    for c in r["checks"]:
        assert set(c) == CHECK_KEYS
        if c["min"] is None and c["max"] is None:
            assert c["pass"] is None and c["limit"] == "none"
            continue
        ok = (c["min"] is None or c["value"] >= c["min"]) and (
            c["max"] is None or (c["value"] < c["max"] if c["name"] == "touchdown_angular_rate" else c["value"] <= c["max"]))
        assert c["pass"] is ok, c
    for name, (key, limit) in ENVELOPE.items():
        assert checks[name]["envelope"] is True and checks[name]["max"] == limit
        assert checks[name]["value"] == pytest.approx(r["touchdown"][key])
    assert checks["delta_v"]["value"] == pytest.approx(r["delta_v"])
    # The Apollo 11 braking-phase readings after PDI are listed (a reference for this vehicle).
    assert [p["time"] for p in r["apollo11"]] == [116, 236, 296, 358, 416, 504]


def test_text_report_and_live_lines(descent):
    proc, r, _ = descent
    out = proc.stdout
    assert "\r" not in out  # not a terminal: plain lines
    live = [l for l in out.splitlines() if l.startswith("t ")]
    assert any("BRAKING" in l for l in live) and any("LANDED" in l for l in live)
    for label in ("vertical speed", "horizontal speed", "tilt", "angular rate", "slope under the lander",
                  "PDI to touchdown", "delta-v", "distance from target", "propellant used"):
        assert any(l.strip().startswith(label) for l in out.splitlines()), label
    assert out.count("PASS") == sum(1 for c in r["checks"] if c["pass"])
    assert "Inside the touchdown envelope: yes" in out


def test_plots_are_svg_with_the_run_and_the_apollo_readings(descent):
    _, r, plots = descent
    for name, lines in (("altitude", 3), ("altitude-rate", 1), ("speeds", 2)):
        root = ET.parse(plots / f"{name}.svg").getroot()
        assert root.tag == f"{SVG}svg"
        polylines = root.findall(f"{SVG}polyline")
        assert len(polylines) == lines
        # One point per logged second from PDI to the end of the run.
        assert len(polylines[0].get("points").split()) >= int(r["pdi_to_touchdown"])
        markers = root.findall(f"{SVG}g[@class='markers']")
        assert len(markers) == 1 and len(markers[0].findall(f"{SVG}circle")) >= 6
        # make test-deps installs rsvg-convert (librsvg2-bin): a PNG beside each SVG.
        assert (plots / f"{name}.png").read_bytes()[:8] == PNG_MAGIC, name


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(regolith_bin, *args):
    return subprocess.run([str(regolith_bin), "mission", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_the_rover_on_a_simulator_board_without_its_simulator_says_to_start_it(regolith_bin):
    """Boards/sim-pty.yaml runs the rover's flight software alone (the simulator in another
    process); with no `regolith sim` serving the board the first device link cannot open, and
    the error names the device and its board line and says how to start the simulator."""
    proc = run(regolith_bin, "rover-drive", "--board", "Boards/sim-pty.yaml", "--quiet")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert re.search(r"Boards/sim-pty.yaml:\d+: device '(power|rover-imu|wheels|hazard)' on ", proc.stderr), proc.stderr
    assert "regolith sim --mission rover --board Boards/sim-pty.yaml --hold" in proc.stderr, proc.stderr


def test_the_rover_on_a_separate_simulator_refuses_a_scenario(regolith_bin):
    proc = run(regolith_bin, "rover-drive", "--board", "Boards/sim-pty.yaml", "--scenario",
               "Simulator/Scenarios/rover-hazards.yaml", "--quiet")
    assert proc.returncode == 2
    assert "faults are the simulator's to inject; pass --scenario to `regolith sim`" in proc.stderr, proc.stderr


def test_the_lander_on_a_simulator_board_says_to_start_the_simulator(regolith_bin, tmp_path):
    board = tmp_path / "board.yaml"
    board.write_text((ROOT / "Boards" / "sim-pty.yaml").read_text().replace("/tmp/regolith-sim", str(tmp_path)))
    proc = run(regolith_bin, "lander-descent", "--board", str(board), "--quiet")
    assert proc.returncode == 2
    assert f"{board}:9: device 'imu' on pty {tmp_path}/imu" in proc.stderr
    assert f"regolith sim --board {board} --hold" in proc.stderr


def test_a_bad_board_file_is_reported_with_its_location(regolith_bin, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("board: x\nsimulator: embedded\ndevices:\n  imu: sim\n  flux-capacitor: sim\n")
    proc = run(regolith_bin, "lander-descent", "--board", str(bad), "--quiet")
    assert proc.returncode == 2
    assert f"{bad}:5" in proc.stderr and "flux-capacitor" in proc.stderr


def test_rover_drive_reaches_its_goal_and_reports_it(regolith_bin, tmp_path):
    """The 50 m route of Sequences/rover-drive.rseq through every device link: the JSON report
    says the goal was reached (within 2 m), no keep-out zone entered, the top speed under
    ACCEPTANCE.md's 200 m/h, and the path plot is an SVG polyline over the ground's shaded
    relief (many shades of grey: craters and rocks), rendered to PNG too."""
    proc = run_long(regolith_bin, "rover-drive", "--quiet", "--report", str(tmp_path / "r.json"), "--plots", str(tmp_path / "p"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    r = json.loads((tmp_path / "r.json").read_text())
    assert r["completed"] is True and r["sequence_completed"] is True
    assert r["distance_to_goal"] <= 2 and r["keep_out_violations"] == 0
    assert 0 < r["max_speed_metres_per_hour"] <= 200
    assert 45 <= r["distance_driven"] <= 60
    svg = ET.parse(tmp_path / "p" / "path.svg").getroot()
    assert any(e.tag.endswith("polyline") for e in svg.iter())
    shades = {e.get("fill") for e in svg.iter() if e.tag.endswith("rect") and (e.get("fill") or "").startswith("rgb(")}
    assert len(shades) >= 20, shades
    assert (tmp_path / "p" / "path.png").read_bytes()[:8] == PNG_MAGIC


def test_a_refused_descent_exits_1_with_no_touchdown_and_the_refusal_in_the_report(regolith_bin, tmp_path):
    """Luna 25 (ACCEPTANCE.md): the descent is not started while its cut-off sensor (the IMU) is
    not valid: the descent sequence's pre-check times out and its abort block safes the lander
    (ABORTED, engine never lit), so there is no landing: exit status 1, every envelope check
    failed for want of a value."""
    proc = run_long(regolith_bin, "lander-descent", "--quiet", "--scenario",
                    "Simulator/Scenarios/luna-25-accelerometer-off.yaml", "--report", str(tmp_path / "r.json"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    r = json.loads((tmp_path / "r.json").read_text())
    assert set(r) == TOP_KEYS
    assert r["scenario"] == "luna-25-accelerometer-off"
    assert r["touchdown"] is None and r["pdi_to_touchdown"] is None and r["inside_envelope"] is False
    assert r["landed"] is False and r["final_phase"] == "ABORTED"
    assert r["commands"] == [{"name": "seq.SEQ_RUN", "response": "OK"}]
    assert r["propellant_used"] == 0 and r["delta_v"] == 0
    for c in r["checks"]:
        if c["envelope"]:
            assert c["value"] is None and c["pass"] is False
    assert "no touchdown: final phase ABORTED" in proc.stdout
    assert "Inside the touchdown envelope: NO" in proc.stdout


def run_long(regolith_bin, *args):
    return subprocess.run([str(regolith_bin), "mission", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_a_paced_run_stops_on_sigint_with_its_report(regolith_bin):
    """--time-scale paces the lockstep run to the wall clock; SIGINT ends it between ticks
    with the report, marked interrupted, and exit status 1 (no touchdown)."""
    import signal
    import time
    proc = subprocess.Popen([str(regolith_bin), "mission", "lander-descent", "--time-scale", "1", "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, out + err
    assert "no touchdown: final phase" in out and "interrupted (signal) at" in out, out
