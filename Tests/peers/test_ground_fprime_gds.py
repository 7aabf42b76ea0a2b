"""fprime-gds commands Regolith: F Prime's own ground system, unchanged, over the ground link.

`regolith run` (real-time executive, core topology) connects its ground interface to
fprime-gds's `ip` adapter (fprime-gds is the TCP server by default, as for F Prime's
TcpClient), and fprime-gds runs headless (`-g none -n`) with the dictionary Regolith exports.
The link uses a spacecraft id and a TM frame size other than fprime-gds's fallbacks, which
fprime-gds can only know from our dictionary's ComCfg constants.
The test then drives fprime-gds's own pytest integration API (IntegrationTestAPI): commands go
by name, and their dispatch/completion events and the resulting telemetry come back decoded
by fprime-gds. Every process is killed (SIGKILL, whole process group) at the end.
"""
import pytest
from fprime_gds.common.testing_fw import predicates

from ground_support import fprime_gds_session

GROUND_BASE = 0x0900
# Not fprime-gds's fallbacks (0x44, 1024): fprime-gds frames with these only because it reads
# them from the dictionary we export (ComCfg.SpacecraftId, ComCfg.TmFrameFixedSize).
DATA_LINK = ["--spacecraft-id", "291", "--tm-frame-size", "512"]
AUTH_RESET_COUNTER = GROUND_BASE + 0


@pytest.fixture(scope="module")
def gds(regolith_bin, tmp_path_factory):
    fsw = ["run", "--executive", "realtime", "--seconds", "300"]
    with fprime_gds_session(regolith_bin, tmp_path_factory.mktemp("gds"), [], fsw, DATA_LINK,
                            ready="tlmChan.SamplesAccepted") as api:
        yield api


def test_no_op_by_name(gds):
    results = gds.send_and_assert_command("cmdDisp.CMD_NO_OP", timeout=10)
    assert results[0].get_template().get_full_name() == "cmdDisp.OpCodeDispatched"
    gds.assert_event("cmdDisp.NoOpReceived", timeout=5)
    # The dispatcher's counter comes down as telemetry, decoded by fprime-gds.
    gds.assert_telemetry("cmdDisp.CommandsDispatched", value=predicates.greater_than(0), timeout=5)


def test_parameter_set_then_arm_and_hazardous_command(gds):
    # A parameter set by name: the ARM window becomes 42 s.
    gds.send_and_assert_command("cmdDisp.ARM_WINDOW_PRM_SET", [42.0], timeout=10)
    # A hazardous command without ARM is refused (VALIDATION_ERROR) with its event.
    start = gds.get_event_test_history().size()
    gds.send_command("groundIf.AUTH_RESET_COUNTER")
    gds.assert_event("cmdDisp.HazardousCommandNotArmed", [AUTH_RESET_COUNTER], start=start, timeout=10)
    gds.assert_event("cmdDisp.OpCodeError", [AUTH_RESET_COUNTER, "VALIDATION_ERROR"], start=start, timeout=10)
    # ARM it: the Armed event carries the window set above, so the parameter took effect.
    armed = gds.get_event_pred("cmdDisp.Armed", [AUTH_RESET_COUNTER, 42.0])
    gds.send_and_assert_command("cmdDisp.ARM", [AUTH_RESET_COUNTER], events=[armed], timeout=10)
    gds.assert_telemetry("cmdDisp.ArmedOpcode", value=AUTH_RESET_COUNTER, timeout=5)
    # Now the hazardous command runs.
    reset = gds.get_event_pred("groundIf.AuthCounterReset", [0])
    gds.send_and_assert_command("groundIf.AUTH_RESET_COUNTER", events=[reset], timeout=10)


def test_link_counters_as_telemetry(gds):
    # fprime-gds's keep-alives were skipped and counted, and no byte was garbage.
    gds.assert_telemetry("groundIf.KeepAlives", value=predicates.greater_than(0), timeout=10)
    gds.assert_telemetry("groundIf.CommandsCompleted", value=predicates.greater_than(0), timeout=10)
    gds.send_and_assert_command("cmdDisp.CMD_NO_OP", timeout=10)
    history = gds.get_telemetry_test_history()
    skipped = [c for c in history.retrieve() if c.get_template().get_full_name() == "groundIf.UplinkBytesSkipped"]
    assert all(c.get_val() == 0 for c in skipped)
