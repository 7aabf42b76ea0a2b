"""fprime-gds commands the lander's flight software on the simulated board.

`regolith mission lander-descent --board Boards/sim.yaml --wait-for-ground` runs the lander's
flight software with the embedded simulator, paced to the wall clock (x2), its ground
interface connected to fprime-gds's `ip` adapter; fprime-gds runs headless (`-g none -n`)
with the lander's dictionary (`regolith dict export --format fprime --topology lander`).
Through fprime-gds's pytest integration API the test commands the lander by name: a no-op,
a parameter in and out of its range, a hazardous command without ARM, and the descent
sequence itself, and asserts their completion events and the telemetry that follows: the
arming checks pass, the engine ignites, the descent enters BRAKING, navigation's horizontal
speed falls. Every process is killed (SIGKILL, whole process group) at the end.
"""
import pytest
from fprime_gds.common.testing_fw import predicates

from conftest import ROOT
from ground_support import fprime_gds_session

DATA_LINK = ["--spacecraft-id", "291", "--tm-frame-size", "512"]
START_DESCENT = 0x0B00


@pytest.fixture(scope="module")
def lander(regolith_bin, tmp_path_factory):
    fsw = ["mission", "lander-descent", "--board", str(ROOT / "Boards" / "sim.yaml"), "--wait-for-ground",
           "--time-scale", "2", "--quiet"]
    with fprime_gds_session(regolith_bin, tmp_path_factory.mktemp("gds-lander"), ["--topology", "lander"], fsw,
                            DATA_LINK, ready="navigation.Altitude") as api:
        yield api


def test_no_op_and_lander_telemetry(lander):
    lander.send_and_assert_command("cmdDisp.CMD_NO_OP", timeout=10)
    lander.assert_event("cmdDisp.NoOpReceived", timeout=5)
    # The drivers hear the simulated devices (samples counting up); navigation holds the
    # uplinked state: 15 km up, coasting before ignition. (On-change channels such as the
    # devices' health were sent once, before fprime-gds's test client attached.)
    lander.assert_telemetry("imu.Samples", value=predicates.greater_than(10), timeout=10)
    lander.assert_telemetry("altimeter.Samples", value=predicates.greater_than(10), timeout=10)
    lander.assert_telemetry("navigation.Altitude", value=predicates.within_range(14_000, 16_000), timeout=10)
    lander.assert_telemetry("engine.Thrust", value=predicates.less_than(1.0), timeout=10)


def test_parameter_in_and_out_of_range(lander):
    lander.send_and_assert_command("descent.IGNITION_POINTING_PRM_SET", [12.0], timeout=10)
    # 120 deg is outside the parameter's range (0.5...90): refused, with the dispatcher's error.
    start = lander.get_event_test_history().size()
    lander.send_command("descent.IGNITION_POINTING_PRM_SET", [120.0])
    lander.assert_event("cmdDisp.OpCodeError", [None, "VALIDATION_ERROR"], start=start, timeout=10)


def test_start_descent_without_arm_is_refused(lander):
    start = lander.get_event_test_history().size()
    lander.send_command("descent.START_DESCENT")
    lander.assert_event("cmdDisp.HazardousCommandNotArmed", [START_DESCENT], start=start, timeout=10)
    # No phase change, no ignition.
    lander.assert_event_count(0, "descent.PhaseChanged", start=start, timeout=3)
    lander.assert_telemetry("engine.Thrust", value=predicates.less_than(1.0), start="NOW", timeout=10)


def test_descent_sequence_started_by_name_ignites_and_brakes(lander):
    start = lander.get_event_test_history().size()
    lander.send_and_assert_command("seq.SEQ_RUN", ["lander_descent"], timeout=10)
    lander.assert_event("seq.SequenceStarted", start=start, timeout=10)
    lander.assert_event("descent.ArmingChecksPassed", start=start, timeout=20)
    lander.assert_event("descent.PhaseChanged", ["BRAKING", None], start=start, timeout=30)
    lander.assert_telemetry("descent.Ignited", value=True, start=start, timeout=30)
    lander.assert_telemetry("engine.Thrust", value=predicates.greater_than(1000.0), timeout=20)
    # The engine brakes the orbital speed: navigation's horizontal speed falls (about 2 m/s
    # per second of flight at full thrust).
    first = lander.assert_telemetry("navigation.HorizontalSpeed", start="NOW", timeout=10).get_val()
    assert 1_500 < first < 1_700
    lander.assert_telemetry("navigation.HorizontalSpeed", value=predicates.less_than(first - 20), start="NOW", timeout=30)
