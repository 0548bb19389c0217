"""The command line as a shell uses it."""
import subprocess
import sys


def test_a_closed_pipe_ends_quietly():
    # `python -m began_lite presets | head -c 1`: the reader leaves after one byte.
    command = subprocess.Popen([sys.executable, "-m", "began_lite", "presets"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    command.stdout.read(1)
    command.stdout.close()
    _, stderr = command.communicate(timeout=120)
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr
