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
import shutil
import sys
import time
from pathlib import Path

import pytest
from fprime_gds.common.testing_fw import predicates
from fprime_gds.common.testing_fw.api import IntegrationTestAPI
from fprime_gds.executables.cli import ConfigDrivenParser, StandardPipelineParser

from conftest import run_regolith
from ground_support import ProcessGroup, free_port

GROUND_BASE = 0x0900
# Not fprime-gds's fallbacks (0x44, 1024): fprime-gds frames with these only because it reads
# them from the dictionary we export (ComCfg.SpacecraftId, ComCfg.TmFrameFixedSize).
DATA_LINK = ["--spacecraft-id", "291", "--tm-frame-size", "512"]
AUTH_RESET_COUNTER = GROUND_BASE + 0


def fprime_gds_command() -> list:
    exe = Path(sys.executable).parent / "fprime-gds"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "fprime_gds.executables.run_deployment"]


@pytest.fixture(scope="module")
def gds(regolith_bin, tmp_path_factory):
    work = tmp_path_factory.mktemp("gds")
    dictionary = work / "RegolithCoreTopologyDictionary.json"
    run_regolith(regolith_bin, "dict", "export", "--format", "fprime", "--output", str(dictionary), *DATA_LINK)
    ip_port, tts_port = free_port(), free_port()
    while tts_port == ip_port:
        tts_port = free_port()
    logs = work / "logs"
    logs.mkdir()
    # Our own ZeroMQ endpoints (the default is one per user in /tmp, shared by every run).
    zmq = ["--zmq-transport", f"ipc://{work}/gds-in", f"ipc://{work}/gds-out"]
    group = ProcessGroup()
    api = pipeline = None
    try:
        gds_proc = group.start(
            fprime_gds_command() + [
                "-g", "none", "-n", "--dictionary", dictionary,
                "--framing-selection", "space-packet-space-data-link",
                "--ip-address", "127.0.0.1", "--ip-port", ip_port,
                "--tts-addr", "127.0.0.1", "--tts-port", tts_port, "--logs", logs] + zmq,
            cwd=work)
        fsw = group.start(
            [regolith_bin, "run", "--executive", "realtime", "--seconds", "300",
             "--ground", f"tcp:127.0.0.1:{ip_port}", *DATA_LINK], cwd=work)
        # fprime-gds starts its middleware, then its comm adapter (about 6 s in all).
        deadline = time.monotonic() + 60
        pipeline_parser = StandardPipelineParser()
        while True:
            assert gds_proc.poll() is None, f"fprime-gds exited: {gds_proc.stderr.read()}"
            assert fsw.poll() is None, f"regolith run exited: {fsw.stdout.read()} {fsw.stderr.read()}"
            try:
                args, _, _ = ConfigDrivenParser.parse_known_args(
                    [StandardPipelineParser],
                    arguments=["--dictionary", str(dictionary), "--tts-addr", "127.0.0.1",
                               "--tts-port", str(tts_port), "--logs", str(work / "api-logs")] + zmq,
                    client=True)
                pipeline = pipeline_parser.pipeline_factory(args, None)
                break
            except Exception:
                assert time.monotonic() < deadline, "could not connect to fprime-gds's middleware"
                time.sleep(0.5)
        api = IntegrationTestAPI(pipeline, None, str(work / "api-logs"))
        api.setup()
        # The link is up once fprime-gds decodes telemetry from the flight software (the
        # telemetry store's sample count changes every core tick).
        api.assert_telemetry("tlmChan.SamplesAccepted", timeout=60)
        yield api
    finally:
        if api is not None:
            try:
                api.teardown()
            except Exception:
                pass
        if pipeline is not None:
            try:
                pipeline.disconnect()
            except Exception:
                pass
        group.close()
        shutil.rmtree(work, ignore_errors=True)


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
