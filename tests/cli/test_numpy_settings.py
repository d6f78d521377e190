"""The CLI sets what NumPy reads when it loads while a data command runs
(`cli._tune_numpy`): no transparent huge page advice, one OpenBLAS thread;
set before NumPy loads, never over the user's own choice, removed after."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# The command replaced by a probe that prints NumPy's huge-page advice (the
# flag NumPy read when it loaded), the OpenBLAS thread setting the command
# ran with, and both variables after the command.
PROBE = """
import os, sys
from sarcostat import cli
def probe(args):
    import numpy
    from numpy._core import multiarray
    print(int(multiarray._get_madvise_hugepage()), os.environ.get("OPENBLAS_NUM_THREADS", "-"))
    return 0
cli._run = probe
code = cli.main(sys.argv[1:])
print(os.environ.get("NUMPY_MADVISE_HUGEPAGE", "-"), os.environ.get("OPENBLAS_NUM_THREADS", "-"))
sys.exit(code)
"""

NAMES = ("NUMPY_MADVISE_HUGEPAGE", "OPENBLAS_NUM_THREADS")
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def _run(*argv: str, **env: str) -> list[str]:
    run_env = {k: v for k, v in os.environ.items() if k not in NAMES}
    run_env.update(env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, env=run_env
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_a_data_command_runs_with_the_settings_and_the_variables_are_removed_after():
    assert _run("validate", "x.csv") == ["0", "1", "-", "-"]
    assert _run("analyze", "x.csv", "-o", "out") == ["0", "1", "-", "-"]


def test_the_users_choices_are_kept():
    got = _run("validate", "x.csv", NUMPY_MADVISE_HUGEPAGE="1", OPENBLAS_NUM_THREADS="2")
    assert got == ["1", "2", "1", "2"]
    assert _run("classify", "x.csv", OPENBLAS_NUM_THREADS="4") == ["0", "4", "-", "4"]


def test_a_command_without_data_leaves_numpy_as_it_is():
    # NumPy's own default: advice on (kernels since 4.6), nothing set
    assert _run("plan", "--check", "p.toml") == ["1", "-", "-", "-"]


def test_nothing_is_set_once_numpy_is_loaded(monkeypatch):
    import numpy  # noqa: F401  (loaded: the variables would be read by nobody)

    from sarcostat import cli

    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    assert cli._tune_numpy("validate") == []
    assert not any(name in os.environ for name in NAMES)
