"""The CLI shell: version, help, usage errors, and start-up cost."""

import subprocess
import sys

import pytest

from sarcostat import __version__
from sarcostat.cli import main


def test_version_prints_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sarcostat {__version__}"


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error_without_traceback(capsys):
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err
    assert "Traceback" not in err


def test_help_does_not_import_heavy_libraries():
    # `sarcostat --help` must start fast: pandas/scipy/statsmodels/matplotlib
    # are imported only by the commands that need them.
    code = (
        "import sys, contextlib, io\n"
        "from sarcostat.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "heavy = [m for m in ('pandas', 'scipy', 'statsmodels', 'matplotlib', 'docx') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_module_entry_point_runs():
    out = subprocess.run(
        [sys.executable, "-m", "sarcostat", "--version"], capture_output=True, text=True, check=True
    )
    assert __version__ in out.stdout


def test_closed_pipe_is_not_a_traceback():
    # `sarcostat classify ... | head -1` must end quietly when head exits.
    from sarcostat.datasets import example_cohort_path

    cmd = (
        f"{sys.executable} -m sarcostat classify {example_cohort_path()} "
        f"--definition all | head -c 1 > /dev/null"
    )
    out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True)
    assert "Traceback" not in out.stderr
    assert "BrokenPipe" not in out.stderr


def test_study_commands_ask_for_one_blas_thread_unless_told_otherwise(monkeypatch):
    from sarcostat.commands import single_thread_blas

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    single_thread_blas()
    import os

    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    single_thread_blas()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


def test_a_signal_dropped_inside_a_finalizer_is_delivered_again(monkeypatch):
    """Ctrl-C or SIGTERM raised inside a garbage-collector callback (matplotlib's
    transforms) is dropped by Python as "Exception ignored"; the CLI's hook
    sends the signal again so the command still stops, without a traceback."""
    import os
    import signal
    import time
    from types import SimpleNamespace

    from sarcostat import cli

    kills, passed = [], []
    monkeypatch.setattr(os, "kill", lambda pid, sig: kills.append((pid, sig)))
    hook = cli._redeliver(passed.append)
    monkeypatch.setattr(cli, "_SIGNALLED", [signal.SIGTERM])
    hook(SimpleNamespace(exc_value=cli._Terminated()))
    # sent again from a helper thread, once the hook has returned
    deadline = time.monotonic() + 5
    while not kills and time.monotonic() < deadline:
        time.sleep(0.005)
    assert kills == [(os.getpid(), signal.SIGTERM)] and passed == []
    other = SimpleNamespace(exc_value=ValueError("x"))
    hook(other)
    assert passed == [other]
    # A KeyboardInterrupt with no signal of ours behind it is not ours to resend.
    monkeypatch.setattr(cli, "_SIGNALLED", [])
    lone = SimpleNamespace(exc_value=KeyboardInterrupt())
    hook(lone)
    assert passed == [other, lone] and len(kills) == 1


def test_a_signal_dropped_inside_a_finalizer_stops_the_program_after_all():
    """End to end in a fresh interpreter: SIGTERM's handler runs inside a
    finalizer (its exception dropped by Python); the hook's redelivery must
    not run the handler inside the hook itself (dropped again: the program
    went on), but after it, where _Terminated stops the program."""
    import subprocess
    import sys

    code = """
import os, signal, sys, time
from sarcostat import cli
signal.signal(signal.SIGTERM, cli._on_sigterm)
sys.unraisablehook = cli._redeliver(sys.unraisablehook)
class Finalized:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.001)  # the handler runs here, inside the finalizer
try:
    Finalized()
    for _ in range(300):
        time.sleep(0.01)
    print("went on")
except cli._Terminated:
    print("stopped")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "stopped", out.stderr
    assert "Exception ignored in sys.unraisablehook" not in out.stderr


@pytest.mark.parametrize(
    "raised,code,said", [("term", 143, "terminated"), ("int", 130, "interrupted")]
)
def test_a_signal_before_the_commands_own_handlers_is_one_line(
    monkeypatch, capsys, raised, code, said
):
    """SIGTERM or Ctrl-C while `_run` is still importing (before its try) ends the
    command with the signal's exit code and one line, not a traceback."""
    from sarcostat import cli

    def early(_args):
        raise cli._Terminated() if raised == "term" else KeyboardInterrupt()

    monkeypatch.setattr(cli, "_run", early)
    assert cli.main(["validate", "x.csv"]) == code
    err = capsys.readouterr().err
    assert err.strip() == f"sarcostat: {said}" and "Traceback" not in err
