"""`regolith ground` commands `regolith run` end to end, both CLIs as separate processes:
a signed command by name from standard input and one from --command, their events shown,
every packet archived; a command with a bad argument is refused before it is sent."""
import os
import signal
import subprocess

from ground_support import ProcessGroup, free_port


def test_regolith_ground_commands_regolith_run_with_a_key(regolith_bin, tmp_path):
    key = tmp_path / "uplink.key"
    key.write_text(os.urandom(32).hex() + "\n")
    port = free_port()
    group = ProcessGroup()
    try:
        fsw = group.start([regolith_bin, "run", "--executive", "realtime", "--seconds", "60",
                           "--ground", f"listen:{port}", "--auth-key-file", key])
        ground = subprocess.run(
            [str(regolith_bin), "ground", "--link", f"tcp:127.0.0.1:{port}", "--key-file", str(key),
             "--archive", str(tmp_path / "a.sqlite"), "--command", "cmdDisp.ARM_WINDOW_PRM_SET 12.5",
             "--seconds", "3", "--quiet"],
            input="cmdDisp.CMD_NO_OP\ncmdDisp.ARM 0xFFFFFFFFF\n", capture_output=True, text=True, timeout=30)
        assert ground.returncode == 0, ground.stderr
        assert "sent cmdDisp.ARM_WINDOW_PRM_SET (opcode 0x" in ground.stderr
        assert "sent cmdDisp.CMD_NO_OP (opcode 0x100), signed, counter " in ground.stderr
        assert "command refused: cmdDisp.ARM: argument 'opCode' (U32): 68719476735 does not fit U32" in ground.stderr
        assert "EVR cmdDisp.OpCodeCompleted COMMAND: Opcode 256 completed" in ground.stdout
        assert "EVR cmdDisp.NoOpReceived ACTIVITY_HI: Received a NO-OP command" in ground.stdout
        fsw.send_signal(signal.SIGINT)
        out, _ = fsw.communicate(timeout=20)
        assert "ground commands: 2 uplinked, 2 completed, 0 failed; auth refused 0" in out, out
        events = subprocess.run([str(regolith_bin), "archive", "query", str(tmp_path / "a.sqlite"), "--events"],
                                capture_output=True, text=True, check=True).stdout
        assert events.count("cmdDisp.OpCodeCompleted") == 2
    finally:
        group.close()
